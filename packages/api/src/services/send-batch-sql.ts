// The statements of one group commit, written by hand: each takes the whole batch as one JSON
// parameter, so its text never changes with the batch size and the driver prepares it once.
import type { Queryable } from '@chat/db';
import { sql, type SQL } from 'drizzle-orm';

/** The rows of `execute`: postgres-js answers an array, PGlite `{ rows }`. */
export async function rows<Row>(q: Queryable, query: SQL): Promise<Row[]> {
  const result: unknown = await q.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

export const json = (value: unknown) => sql`${JSON.stringify(value)}::text::jsonb`;

export interface SenderRef {
  i: number;
  channelId: string;
  userId: string;
  clientMsgId: string | null;
}

export interface SenderCheck {
  i: number;
  channelFound: boolean;
  isPrivate: boolean;
  isMember: boolean;
  /** The message this user already sent with the same clientMsgId. */
  previousId: string | null;
}

/** Per send: does the channel exist, is the sender a member, was its clientMsgId used before. */
export async function checkSenders(q: Queryable, refs: SenderRef[]): Promise<SenderCheck[]> {
  const found = await rows<{
    i: number;
    channel_found: boolean;
    is_private: boolean;
    is_member: boolean;
    previous_id: string | null;
  }>(
    q,
    sql`select x.i, c.id is not null as channel_found, coalesce(c.is_private, false) as is_private,
      m.user_id is not null as is_member, p.id as previous_id
    from jsonb_to_recordset(${json(refs)})
      as x(i int, "channelId" uuid, "userId" uuid, "clientMsgId" text)
    left join channels c on c.id = x."channelId"
    left join channel_members m on m.channel_id = x."channelId" and m.user_id = x."userId"
    left join messages p on p.user_id = x."userId" and p.client_msg_id = x."clientMsgId"`,
  );
  return found.map((row) => ({
    i: Number(row.i),
    channelFound: row.channel_found,
    isPrivate: row.is_private,
    isMember: row.is_member,
    previousId: row.previous_id,
  }));
}

export interface NewMessageRow {
  channelId: string;
  /** Its place among the batch's new messages of its channel, from 1: its seq is the base + k. */
  k: number;
  userId: string;
  content: string;
  clientMsgId: string | null;
  /** A reply's thread root. */
  parentId: string | null;
  webhookId: string | null;
  authorName: string | null;
  authorIconUrl: string | null;
}

export interface StoredMessage {
  id: string;
  seq: number;
  createdAt: string;
}

/**
 * The batch's writes in one statement: each channel's counter moves by its number of new
 * messages (`counts`), the messages are inserted with the seqs that frees, and each sender's
 * read mark moves up to the newest seq they sent (never back; not for a webhook's messages).
 * The channels' rows are locked in id order, so two batches that share channels cannot
 * deadlock; a channel deleted since the check gets none of its messages. Answers the stored
 * messages by `channelId:k`.
 */
export async function storeMessages(
  q: Queryable,
  counts: { channelId: string; n: number }[],
  messages: NewMessageRow[],
): Promise<Map<string, StoredMessage>> {
  const stored = await rows<{
    id: string;
    channel_id: string;
    k: string | number;
    seq: string | number;
    created_at: string;
  }>(
    q,
    sql`with wanted as (
      select * from jsonb_to_recordset(${json(counts)}) as x("channelId" uuid, n int)
    ), locked as (
      select c.id from channels c where c.id in (select "channelId" from wanted)
      order by c.id for update
    ), seqs as (
      update channels c set last_seq = c.last_seq + w.n
      from wanted w join locked l on l.id = w."channelId"
      where c.id = w."channelId"
      returning c.id, c.last_seq - w.n as base
    ), stored as (
      insert into messages (channel_id, seq, user_id, content, client_msg_id, parent_id,
        webhook_id, author_name, author_icon_url)
      select x."channelId", s.base + x.k, x."userId", x.content, x."clientMsgId", x."parentId",
        x."webhookId", x."authorName", x."authorIconUrl"
      from jsonb_to_recordset(${json(messages)}) as x("channelId" uuid, k int, "userId" uuid,
        content text, "clientMsgId" text, "parentId" uuid, "webhookId" uuid, "authorName" text,
        "authorIconUrl" text)
      join seqs s on s.id = x."channelId"
      returning id, channel_id, seq, user_id, webhook_id, created_at
    ), marked as (
      update channel_members m set last_read_seq = greatest(m.last_read_seq, r.seq)
      from (select channel_id, user_id, max(seq) as seq from stored where webhook_id is null
        group by channel_id, user_id) r
      where m.channel_id = r.channel_id and m.user_id = r.user_id
    )
    select stored.id, stored.channel_id, stored.seq - s.base as k, stored.seq,
      to_char(stored.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at
    from stored join seqs s on s.id = stored.channel_id`,
  );
  return new Map(
    stored.map((row) => [
      `${row.channel_id}:${Number(row.k)}`,
      { id: row.id, seq: Number(row.seq), createdAt: row.created_at },
    ]),
  );
}
