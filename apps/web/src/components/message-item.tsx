// One message: author and time at the start of a block, the text as Markdown with the user's
// mentions marked, its reactions, reacting and pinning, and edit / delete on the user's own.
import { memo, useState } from 'react';
import { useAuthor } from '../hooks/use-user';
import { useEditRequest } from '../lib/edit-request';
import type { Message } from '../lib/api-types';
import { formatTime } from '../lib/format';
import { useIsJumpTarget } from '../lib/jump-target';
import { messageStore } from '../lib/message-store';
import { trpc } from '../lib/trpc';
import { AttachmentList } from './attachment-list';
import { Avatar } from './avatar';
import { MessageEditor } from './message-editor';
import { MessageMarkdown } from './message-markdown';
import { PinButton } from './pin-button';
import { ReactionBar } from './reaction-bar';
import { ReactionPicker } from './reaction-picker';
import { ReplyInThreadButton } from './reply-in-thread-button';
import { ThreadSummary } from './thread-summary';

interface MessageItemProps {
  message: Message;
  startsGroup: boolean;
  dayLabel: string | null;
  own: boolean;
  myUsername: string;
  /** Shown in the thread pane: no thread controls of its own. */
  inThread?: boolean;
}

export const MessageItem = memo(function MessageItem({
  message,
  startsGroup,
  dayLabel,
  own,
  myUsername,
  inThread = false,
}: MessageItemProps) {
  const [editing, setEditing] = useState(false);
  const author = useAuthor(message);
  useEditRequest(message.id, own && !message.deleted, () => setEditing(true));
  const jumped = useIsJumpTarget(message.id);
  const remove = trpc.messages.delete.useMutation({
    onSuccess: () =>
      messageStore.add(message.channelId, [{ ...message, deleted: true, content: '' }]),
  });

  const confirmDelete = () => {
    if (window.confirm('Delete this message?')) remove.mutate({ messageId: message.id });
  };

  return (
    <li
      id={`message-${message.id}`}
      data-seq={message.seq}
      className={`message ${startsGroup ? 'message-first' : ''} ${own ? 'message-own' : ''} ${jumped ? 'message-jumped' : ''}`}
      aria-current={jumped ? 'true' : undefined}
    >
      {dayLabel && (
        <div className="day-divider" role="separator">
          <span>{dayLabel}</span>
        </div>
      )}
      <div className="message-row">
        <div className="message-gutter">
          {startsGroup ? (
            <Avatar userId={message.userId} name={author.name} avatarUrl={author.avatarUrl} />
          ) : (
            <time className="message-hover-time" dateTime={message.createdAt}>
              {formatTime(message.createdAt)}
            </time>
          )}
        </div>
        <div className="message-body">
          {startsGroup && (
            <div className="message-meta">
              <strong>{author.name}</strong>
              <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
            </div>
          )}
          {message.deleted ? (
            <p className="message-text message-deleted">This message was deleted.</p>
          ) : editing ? (
            <MessageEditor message={message} onDone={() => setEditing(false)} />
          ) : (
            <>
              {message.content && (
                <MessageMarkdown content={message.content} myUsername={myUsername} />
              )}
              {message.editedAt && <span className="message-edited">(edited)</span>}
              <AttachmentList attachments={message.attachments} />
              <ReactionBar message={message} />
            </>
          )}
          {!inThread && <ThreadSummary message={message} />}
        </div>
        {!message.deleted && !editing && (
          <div className="message-actions">
            <ReactionPicker message={message} />
            <PinButton message={message} />
            {!inThread && <ReplyInThreadButton message={message} />}
            {own && (
              <>
                <button type="button" onClick={() => setEditing(true)}>
                  Edit
                </button>
                <button type="button" onClick={confirmDelete} disabled={remove.isPending}>
                  Delete
                </button>
              </>
            )}
          </div>
        )}
      </div>
    </li>
  );
});
