// A message the user sent that the server has not confirmed: greyed while sending, with retry
// and discard once it failed. Retrying reuses its clientMsgId, so it is stored at most once.
import type { OwnUser } from '../lib/api-types';
import { useConnectionState } from '../lib/connection-store';
import type { PendingMessage } from '../lib/message-list';
import { Avatar } from './avatar';

interface PendingRowProps {
  item: PendingMessage;
  me: OwnUser;
  onRetry: () => void;
  onDiscard: () => void;
}

export function PendingRow({ item, me, onRetry, onDiscard }: PendingRowProps) {
  const connection = useConnectionState();
  const note =
    item.status === 'failed'
      ? 'not sent'
      : connection === 'connected'
        ? 'sending…'
        : 'waiting for the connection…';
  return (
    <li
      className={`message message-first message-own message-pending ${item.status === 'failed' ? 'message-failed' : ''}`}
    >
      <div className="message-row">
        <div className="message-gutter">
          <Avatar userId={me.id} name={me.displayName} avatarUrl={me.avatarUrl} />
        </div>
        <div className="message-body">
          <div className="message-meta">
            <strong>{me.displayName}</strong>
            <time>{note}</time>
          </div>
          <p className="message-text">{item.content}</p>
          {item.status === 'failed' && (
            <div className="message-retry">
              <button type="button" className="link" onClick={onRetry}>
                Retry
              </button>
              <button type="button" className="link" onClick={onDiscard}>
                Discard
              </button>
            </div>
          )}
        </div>
      </div>
    </li>
  );
}
