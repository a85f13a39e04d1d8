// What a Message carries besides its own row: its reactions and its files. Each is one SQL
// expression, the only definition of how it is read: the history page statement selects them
// for each of its rows, and `withExtras` for any list of messages (single reads, threads, pins,
// search) — one statement for a whole page of messages, never one per message.
import type { Queryable } from '@chat/db';
import { sql, type SQL } from 'drizzle-orm';
import { toAttachment } from './attachments.js';
import type { FileUrlConfig } from './file-urls.js';
import { json, parsed, rows } from './raw-sql.js';
import type { Attachment, Message, Reaction } from './views.js';

/** A file as the statements give it: what `toAttachment` reads of a files row. */
type FileJson = Parameters<typeof toAttachment>[1];

/** The json columns below (null: none). */
export type ReactionsJson = Reaction[] | string | null;
export type FilesJson = FileJson[] | string | null;

/**
 * The reactions of the message `messageId` as a json array, null for none: per emoji in the
 * order each was first used, its users in the order they reacted.
 */
export const reactionsOf = (messageId: SQL) =>
  sql`(select json_agg(json_build_object('emoji', r.emoji, 'count', r.count, 'userIds', r.user_ids)
      order by r.first_used, r.emoji)
    from (select mr.emoji, count(*)::int as count, min(mr.created_at) as first_used,
        array_agg(mr.user_id order by mr.created_at, mr.user_id) as user_ids
      from message_reactions mr where mr.message_id = ${messageId} group by mr.emoji) r)`;

/** The files of the message `messageId` as a json array in upload order, null for none. */
export const filesOf = (messageId: SQL) =>
  sql`(select json_agg(json_build_object('id', f.id, 'name', f.name, 'size', f.size,
        'contentType', f.content_type) order by f.created_at, f.id)
    from files f where f.message_id = ${messageId})`;

export const toReactions = (value: ReactionsJson): Reaction[] =>
  value === null ? [] : parsed(value);

export const toAttachments = (urls: FileUrlConfig, value: FilesJson): Attachment[] =>
  value === null ? [] : parsed(value).map((file) => toAttachment(urls, file));

/** The messages with these ids, as the `m` of a statement (one parameter, whatever the count). */
const messagesWithIds = (ids: readonly string[]) =>
  sql`(select distinct value::uuid as id from jsonb_array_elements_text(${json(ids)})) m`;

/** The reactions of one message (a change reads them back in its own transaction). */
export async function reactionsOfMessage(q: Queryable, messageId: string): Promise<Reaction[]> {
  const [row] = await rows<{ reactions: ReactionsJson }>(
    q,
    sql`select ${reactionsOf(sql`${messageId}::uuid`)} as reactions`,
  );
  return toReactions(row?.reactions ?? null);
}

/** The messages with their reactions and attachments filled in (none on a deleted message). */
export async function withExtras<M extends Message>(
  q: Queryable,
  urls: FileUrlConfig,
  messages: M[],
): Promise<M[]> {
  const ids = messages.filter((m) => !m.deleted).map((m) => m.id);
  if (ids.length === 0) return messages;
  const found = await rows<{ id: string; reactions: ReactionsJson; files: FilesJson }>(
    q,
    sql`select m.id, ${reactionsOf(sql`m.id`)} as reactions, ${filesOf(sql`m.id`)} as files
      from ${messagesWithIds(ids)}`,
  );
  const byId = new Map(found.map((row) => [row.id, row]));
  return messages.map((message) => {
    const row = byId.get(message.id);
    if (!row) return message;
    return {
      ...message,
      reactions: toReactions(row.reactions),
      attachments: toAttachments(urls, row.files),
    };
  });
}

export async function withExtrasOne(
  q: Queryable,
  urls: FileUrlConfig,
  message: Message,
): Promise<Message> {
  const [filled] = await withExtras(q, urls, [message]);
  return filled ?? message;
}
