// Writing in a thread: Enter sends, Shift+Enter breaks the line.
import { useState, type KeyboardEvent } from 'react';

const maxLength = 4000;

export function ThreadComposer({ onSend }: { onSend: (content: string) => void }) {
  const [draft, setDraft] = useState('');

  const submit = () => {
    const content = draft.trim();
    if (!content) return;
    onSend(content);
    setDraft('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <textarea
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
        placeholder="Reply…"
        maxLength={maxLength}
        rows={Math.min(6, draft.split('\n').length)}
        aria-label="Reply"
        autoFocus
      />
      <button type="submit" className="button button-primary" disabled={!draft.trim()}>
        Reply
      </button>
    </form>
  );
}
