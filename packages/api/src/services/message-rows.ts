// A message row as the services read it (every column but the search vector, with its
// author's username) and the one place such a row becomes a Message.
import { schema, type Queryable } from '@chat/db';
import { eq, getTableColumns } from 'drizzle-orm';
import { iso, isoOrNull, type Message } from './views.js';

const { messages, users } = schema;

// Every column but the search vector, which only search reads (and in SQL).
const { searchVector: _searchVector, ...messageFields } = getTableColumns(messages);

export const messageColumns = {
  message: messageFields,
  username: users.username,
};

export type MessageRow = {
  message: Omit<typeof messages.$inferSelect, 'searchVector'>;
  username: string;
};

export function toMessage({ message, username }: MessageRow): Message {
  const deleted = message.deletedAt !== null;
  return {
    id: message.id,
    channelId: message.channelId,
    seq: message.seq,
    userId: message.userId,
    username: message.authorName ?? username,
    content: deleted ? '' : message.content,
    createdAt: iso(message.createdAt),
    editedAt: isoOrNull(message.editedAt),
    deleted,
    clientMsgId: message.clientMsgId,
    parentId: message.parentId,
    replyCount: message.replyCount,
    lastReplyAt: isoOrNull(message.lastReplyAt),
    replyUserIds: message.replyUserIds,
    pinnedAt: isoOrNull(message.pinnedAt),
    reactions: [],
    reactionsVersion: message.reactionsVersion,
    attachments: [],
    webhookId: message.webhookId,
    iconUrl: message.authorIconUrl,
  };
}

export function selectMessages(q: Queryable) {
  return q
    .select(messageColumns)
    .from(messages)
    .innerJoin(users, eq(users.id, messages.userId))
    .$dynamic();
}
