// One message: author and time at the start of a block, the text with the user's mentions
// marked, and edit / delete on the user's own.
import { memo, useState } from 'react';
import type { Message } from '../lib/api-types';
import { formatTime } from '../lib/format';
import { splitMentions } from '../lib/mentions';
import { messageStore } from '../lib/message-store';
import { trpc } from '../lib/trpc';
import { AttachmentList } from './attachment-list';
import { Avatar } from './avatar';
import { MessageEditor } from './message-editor';

interface MessageItemProps {
  message: Message;
  startsGroup: boolean;
  dayLabel: string | null;
  own: boolean;
  myUsername: string;
}

function MessageText({ content, myUsername }: { content: string; myUsername: string }) {
  return (
    <p className="message-text">
      {splitMentions(content, myUsername).map((part, index) =>
        part.mention ? (
          <mark key={index} className="mention">
            {part.text}
          </mark>
        ) : (
          part.text
        ),
      )}
    </p>
  );
}

export const MessageItem = memo(function MessageItem({
  message,
  startsGroup,
  dayLabel,
  own,
  myUsername,
}: MessageItemProps) {
  const [editing, setEditing] = useState(false);
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
      className={`message ${startsGroup ? 'message-first' : ''} ${own ? 'message-own' : ''}`}
    >
      {dayLabel && (
        <div className="day-divider" role="separator">
          <span>{dayLabel}</span>
        </div>
      )}
      <div className="message-row">
        <div className="message-gutter">
          {startsGroup ? (
            <Avatar userId={message.userId} name={message.username} />
          ) : (
            <time className="message-hover-time" dateTime={message.createdAt}>
              {formatTime(message.createdAt)}
            </time>
          )}
        </div>
        <div className="message-body">
          {startsGroup && (
            <div className="message-meta">
              <strong>{message.username}</strong>
              <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
            </div>
          )}
          {message.deleted ? (
            <p className="message-text message-deleted">This message was deleted.</p>
          ) : editing ? (
            <MessageEditor message={message} onDone={() => setEditing(false)} />
          ) : (
            <>
              {message.content && <MessageText content={message.content} myUsername={myUsername} />}
              {message.editedAt && <span className="message-edited">(edited)</span>}
              <AttachmentList attachments={message.attachments} />
            </>
          )}
        </div>
        {own && !message.deleted && !editing && (
          <div className="message-actions">
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" onClick={confirmDelete} disabled={remove.isPending}>
              Delete
            </button>
          </div>
        )}
      </div>
    </li>
  );
});
