// POST /api/files with upload progress (fetch cannot report it; XMLHttpRequest can).
import type { Message } from './api-types';
import { freshAccessToken } from './session-tokens';

export type Attachment = Message['attachments'][number];

export function uploadFile(
  file: File,
  onProgress: (fraction: number) => void,
): Promise<Attachment> {
  return freshAccessToken().then(
    (token) =>
      new Promise<Attachment>((resolve, reject) => {
        const request = new XMLHttpRequest();
        request.open('POST', '/api/files');
        if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
        request.upload.onprogress = (event) => {
          if (event.lengthComputable) onProgress(event.loaded / event.total);
        };
        request.onload = () => {
          try {
            const body = JSON.parse(request.responseText) as {
              file?: Attachment;
              error?: { message: string };
            };
            if (request.status === 201 && body.file) resolve(body.file);
            else reject(new Error(body.error?.message ?? `Upload failed (${request.status})`));
          } catch {
            reject(new Error(`Upload failed (${request.status})`));
          }
        };
        request.onerror = () => reject(new Error('Upload failed: network error'));
        const form = new FormData();
        form.append('file', file, file.name);
        request.send(form);
      }),
  );
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
