// "Attach file": a button that opens the file picker, and the list of the draft's uploads.
import { useRef } from 'react';
import type { DraftUpload } from '../hooks/use-uploads';

export function AttachButton({ onFiles }: { onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="button attach-button"
        aria-label="Attach file"
        title="Attach file"
        onClick={() => input.current?.click()}
      >
        📎
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(event) => {
          onFiles([...(event.target.files ?? [])]);
          event.target.value = '';
        }}
      />
    </>
  );
}

export function DraftUploads({
  uploads,
  onRemove,
}: {
  uploads: DraftUpload[];
  onRemove: (localId: string) => void;
}) {
  if (uploads.length === 0) return null;
  return (
    <ul className="draft-uploads" aria-label="Files to send">
      {uploads.map((upload) => (
        <li key={upload.localId} className={upload.error ? 'draft-upload-failed' : undefined}>
          <span>{upload.name}</span>
          {upload.error ? (
            <span role="alert"> — {upload.error}</span>
          ) : !upload.file ? (
            <progress value={upload.progress} max={1} aria-label={`Uploading ${upload.name}`} />
          ) : null}
          <button
            type="button"
            aria-label={`Remove ${upload.name}`}
            onClick={() => onRemove(upload.localId)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
