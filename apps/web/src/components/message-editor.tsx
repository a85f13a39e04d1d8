// Editing one's own message in place: Enter saves, Escape cancels.
import { useState, type KeyboardEvent } from 'react';
import type { Message } from '../lib/api-types';
import { messageStore } from '../lib/message-store';
import { trpc } from '../lib/trpc';

export function MessageEditor({ message, onDone }: { message: Message; onDone: () => void }) {
  const [draft, setDraft] = useState(message.content);
  const edit = trpc.messages.edit.useMutation({
    onSuccess: (updated) => {
      messageStore.add(updated.channelId, [updated]);
      onDone();
    },
  });

  const save = () => {
    const content = draft.trim();
    if (!content || content === message.content) return onDone();
    edit.mutate({ messageId: message.id, content });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault(); // cancels the edit only, not the panel around it
      onDone();
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      save();
    }
  };

  return (
    <div className="message-editor">
      <textarea
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
        maxLength={4000}
        autoFocus
        aria-label="Edit message"
      />
      <div className="message-editor-actions">
        <span>Escape to cancel · Enter to save</span>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={save}
          disabled={edit.isPending}
        >
          Save
        </button>
      </div>
      {edit.error && <p className="form-error">{edit.error.message}</p>}
    </div>
  );
}
