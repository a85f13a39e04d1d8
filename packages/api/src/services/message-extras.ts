// What a Message carries besides its own row: its reactions and its files, each read for a whole
// page of messages in one query (never one per message). Every place that returns Messages
// passes them through.
import { schema, type Queryable } from '@chat/db';
import { asc, inArray, sql } from 'drizzle-orm';
import { withAttachments } from './attachments.js';
import type { FileUrlConfig } from './file-urls.js';
import type { Message, Reaction } from './views.js';

const { messageReactions } = schema;

/** The reactions of each message, by message id; each emoji in the order it was first used. */
export async function reactionsByMessage(
  q: Queryable,
  messageIds: readonly string[],
): Promise<Map<string, Reaction[]>> {
  const byMessage = new Map<string, Reaction[]>();
  if (messageIds.length === 0) return byMessage;
  const firstUsed = sql`min(${messageReactions.createdAt})`;
  const rows = await q
    .select({
      messageId: messageReactions.messageId,
      emoji: messageReactions.emoji,
      count: sql<number>`count(*)::int`,
      userIds: sql<
        string[]
      >`array_agg(${messageReactions.userId} order by ${messageReactions.createdAt}, ${messageReactions.userId})`,
    })
    .from(messageReactions)
    .where(inArray(messageReactions.messageId, [...new Set(messageIds)]))
    .groupBy(messageReactions.messageId, messageReactions.emoji)
    .orderBy(asc(firstUsed), asc(messageReactions.emoji));
  for (const row of rows) {
    const list = byMessage.get(row.messageId) ?? [];
    list.push({ emoji: row.emoji, count: row.count, userIds: row.userIds });
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}

/** The messages with their reactions and attachments filled in (one query for each). */
export async function withExtras<M extends Message>(
  q: Queryable,
  urls: FileUrlConfig,
  messages: M[],
): Promise<M[]> {
  const reactions = await reactionsByMessage(
    q,
    messages.filter((m) => !m.deleted).map((m) => m.id),
  );
  const withReactions = messages.map((m) => ({ ...m, reactions: reactions.get(m.id) ?? [] }));
  return withAttachments(q, urls, withReactions);
}

export async function withExtrasOne(
  q: Queryable,
  urls: FileUrlConfig,
  message: Message,
): Promise<Message> {
  const [filled] = await withExtras(q, urls, [message]);
  return filled ?? message;
}
