// "Pinned messages": a button in the channel header and the list it opens, newest pin first
// (Escape closes it).
import { useState } from 'react';
import { useEscapeToClose } from '../hooks/use-escape-to-close';
import { useMe } from '../hooks/use-me';
import { formatTime } from '../lib/format';
import { trpc } from '../lib/trpc';
import { MessageMarkdown } from './message-markdown';

export function PinsButton({ channelId }: { channelId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="link-button"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        Pinned messages
      </button>
      {open && <PinsPanel channelId={channelId} onClose={() => setOpen(false)} />}
    </>
  );
}

function PinsPanel({ channelId, onClose }: { channelId: string; onClose: () => void }) {
  const me = useMe();
  const pins = trpc.pins.list.useQuery({ channelId });
  useEscapeToClose(onClose);
  const items = pins.data?.items ?? [];
  return (
    <aside className="pins-panel" aria-label="Pinned messages">
      <header>
        <h2>Pinned messages</h2>
        <button type="button" className="icon-button" aria-label="Close pins" onClick={onClose}>
          ×
        </button>
      </header>
      {pins.isLoading ? (
        <p className="messages-note">Loading…</p>
      ) : items.length === 0 ? (
        <p className="messages-note">Nothing is pinned yet.</p>
      ) : (
        <ul>
          {items.map((message) => (
            <li key={message.id} className="pin">
              <div className="message-meta">
                <strong>{message.username}</strong>
                <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
              </div>
              <MessageMarkdown content={message.content} myUsername={me.username} />
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
