// A message's files: images as thumbnails (bounded by CSS), everything as a download link
// with its name and size. Their URLs are signed by the server, so no token is needed here.
import type { Message } from '../lib/api-types';
import { formatSize } from '../lib/upload-file';

const previewable = /^image\/(png|jpeg|gif|webp|avif)$/;

export function AttachmentList({ attachments }: { attachments: Message['attachments'] }) {
  if (attachments.length === 0) return null;
  return (
    <ul className="attachments">
      {attachments.map((file) => (
        <li key={file.id} className="attachment">
          {previewable.test(file.contentType) && (
            <a href={file.url} target="_blank" rel="noopener noreferrer">
              <img className="attachment-thumb" src={file.url} alt={file.name} loading="lazy" />
            </a>
          )}
          <a className="attachment-link" href={file.url} download={file.name}>
            {file.name} <span className="attachment-size">({formatSize(file.size)})</span>
          </a>
        </li>
      ))}
    </ul>
  );
}
