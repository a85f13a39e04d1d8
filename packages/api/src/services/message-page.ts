// A page of one channel's messages with their reactions and attachments (the expressions of
// `message-extras`), read in one hand-written statement. History and resume read pages of
// hundreds of messages (a resume of 10,000 reads a hundred pages): three queries per page (the
// rows, their reactions, their files), each built by Drizzle on every call, cost more than the
// rows themselves.
import type { Queryable } from '@chat/db';
import { sql } from 'drizzle-orm';
import type { HistoryInput } from '../schemas/index.js';
import type { FileUrlConfig } from './file-urls.js';
import {
  filesOf,
  reactionsOf,
  toAttachments,
  toReactions,
  type FilesJson,
  type ReactionsJson,
} from './message-extras.js';
import { toMessage } from './message-rows.js';
import { parsed, rows } from './raw-sql.js';
import type { Message } from './views.js';

export interface History {
  items: Message[];
  hasMore: boolean;
}

interface PageRow {
  id: string;
  channel_id: string;
  seq: string | number;
  user_id: string;
  username: string;
  content: string;
  client_msg_id: string | null;
  /** Times as epoch milliseconds (no date parsing per row; the same on both engines). */
  created_ms: number;
  edited_ms: number | null;
  deleted_ms: number | null;
  webhook_id: string | null;
  author_name: string | null;
  author_icon_url: string | null;
  parent_id: string | null;
  reply_count: number;
  last_reply_ms: number | null;
  reply_user_ids: string[] | string;
  pinned_ms: number | null;
  pinned_by: string | null;
  reactions_version: number;
  reactions: ReactionsJson;
  files: FilesJson;
}

const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

const epochMs = (column: string) =>
  sql.raw(`floor(extract(epoch from m.${column}) * 1000)::float8`);

function toPageMessage(urls: FileUrlConfig, row: PageRow): Message {
  const message = toMessage({
    message: {
      id: row.id,
      channelId: row.channel_id,
      seq: Number(row.seq),
      userId: row.user_id,
      content: row.content,
      clientMsgId: row.client_msg_id,
      createdAt: new Date(row.created_ms),
      editedAt: dateOrNull(row.edited_ms),
      deletedAt: dateOrNull(row.deleted_ms),
      webhookId: row.webhook_id,
      authorName: row.author_name,
      authorIconUrl: row.author_icon_url,
      parentId: row.parent_id,
      replyCount: row.reply_count,
      lastReplyAt: dateOrNull(row.last_reply_ms),
      replyUserIds: parsed(row.reply_user_ids),
      pinnedAt: dateOrNull(row.pinned_ms),
      pinnedBy: row.pinned_by,
      reactionsVersion: row.reactions_version,
    },
    username: row.username,
  });
  // a deleted message keeps neither (the statement reads none for it)
  message.reactions = toReactions(row.reactions);
  message.attachments = toAttachments(urls, row.files);
  return message;
}

/**
 * A page of a channel's messages, ascending by seq: the newest `limit` (no cursor), the newest
 * below `before`, or the oldest above `after`; optionally top-level ones only. Reactions come
 * per emoji in the order each was first used, their users in the order they reacted; files in
 * upload order.
 */
export async function readHistory(
  q: Queryable,
  urls: FileUrlConfig,
  input: HistoryInput,
): Promise<History> {
  const forward = input.after !== undefined;
  const bound =
    input.after !== undefined
      ? sql`and m.seq > ${input.after}`
      : input.before !== undefined
        ? sql`and m.seq < ${input.before}`
        : sql``;
  const found = await rows<PageRow>(
    q,
    sql`select m.id, m.channel_id, m.seq, m.user_id, u.username, m.content, m.client_msg_id,
      ${epochMs('created_at')} as created_ms, ${epochMs('edited_at')} as edited_ms,
      ${epochMs('deleted_at')} as deleted_ms, m.webhook_id, m.author_name, m.author_icon_url,
      m.parent_id, m.reply_count, ${epochMs('last_reply_at')} as last_reply_ms,
      to_json(m.reply_user_ids) as reply_user_ids, ${epochMs('pinned_at')} as pinned_ms,
      m.pinned_by, m.reactions_version,
      case when m.deleted_at is null then ${reactionsOf(sql`m.id`)} end as reactions,
      case when m.deleted_at is null then ${filesOf(sql`m.id`)} end as files
    from messages m join users u on u.id = m.user_id
    where m.channel_id = ${input.channelId} ${bound}
      ${input.topLevel ? sql`and m.parent_id is null` : sql``}
    order by m.seq ${forward ? sql`asc` : sql`desc`}
    limit ${input.limit + 1}`,
  );
  const hasMore = found.length > input.limit;
  const page = found.slice(0, input.limit).map((row) => toPageMessage(urls, row));
  return { items: forward ? page : page.reverse(), hasMore };
}
