// The files a draft carries: each uploading (with its progress), done, or failed.
import { useCallback, useState } from 'react';
import { uploadFile, type Attachment } from '../lib/upload-file';

export interface DraftUpload {
  localId: string;
  name: string;
  progress: number;
  file?: Attachment;
  error?: string;
}

export function useUploads() {
  const [uploads, setUploads] = useState<DraftUpload[]>([]);
  const update = (localId: string, change: Partial<DraftUpload>) =>
    setUploads((list) => list.map((u) => (u.localId === localId ? { ...u, ...change } : u)));

  const add = useCallback((files: Iterable<File>) => {
    for (const file of files) {
      const localId = crypto.randomUUID();
      setUploads((list) => [...list, { localId, name: file.name, progress: 0 }]);
      uploadFile(file, (progress) => update(localId, { progress })).then(
        (uploaded) => update(localId, { file: uploaded, progress: 1 }),
        (error: Error) => update(localId, { error: error.message }),
      );
    }
  }, []);
  const remove = (localId: string) =>
    setUploads((list) => list.filter((u) => u.localId !== localId));
  const clear = () => setUploads([]);
  const ready = uploads.flatMap((u) => (u.file ? [u.file] : []));
  const busy = uploads.some((u) => !u.file && !u.error);
  return { uploads, add, remove, clear, ready, busy };
}
