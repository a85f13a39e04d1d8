// The statements of one group commit, written by hand: each takes the whole batch as one JSON
// parameter, so its text never changes with the batch size and the driver prepares it once.
import type { Queryable } from '@chat/db';
import { sql, type SQL } from 'drizzle-orm';

/** The rows of `execute`: postgres-js answers an array, PGlite `{ rows }`. */
async function rows<Row>(q: Queryable, query: SQL): Promise<Row[]> {
  const result: unknown = await q.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::text::jsonb`;

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

/**
 * Moves each channel's counter by its number of new messages, in one statement; answers each
 * channel's new last seq (its messages take the n seqs up to it). The rows are locked in id
 * order, so two batches that share channels (on two instances) cannot deadlock.
 */
export async function allocateSeqs(
  q: Queryable,
  counts: { channelId: string; n: number }[],
): Promise<Map<string, number>> {
  const updated = await rows<{ id: string; last_seq: string | number }>(
    q,
    sql`with wanted as (
      select * from jsonb_to_recordset(${json(counts)}) as x("channelId" uuid, n int)
    ), locked as (
      select c.id from channels c where c.id in (select "channelId" from wanted)
      order by c.id for update
    )
    update channels c set last_seq = c.last_seq + w.n
    from wanted w join locked l on l.id = w."channelId"
    where c.id = w."channelId"
    returning c.id, c.last_seq`,
  );
  return new Map(updated.map((row) => [row.id, Number(row.last_seq)]));
}

export interface NewMessageRow {
  channelId: string;
  seq: number;
  userId: string;
  content: string;
  clientMsgId: string | null;
  webhookId: string | null;
  authorName: string | null;
  authorIconUrl: string | null;
}

/** Inserts the batch's messages; answers id and createdAt (ISO) by `channelId:seq`. */
export async function insertMessages(
  q: Queryable,
  messages: NewMessageRow[],
): Promise<Map<string, { id: string; createdAt: string }>> {
  const inserted = await rows<{
    id: string;
    channel_id: string;
    seq: string | number;
    created_at: string;
  }>(
    q,
    sql`insert into messages (channel_id, seq, user_id, content, client_msg_id, webhook_id,
      author_name, author_icon_url)
    select "channelId", seq, "userId", content, "clientMsgId", "webhookId", "authorName",
      "authorIconUrl"
    from jsonb_to_recordset(${json(messages)}) as x("channelId" uuid, seq bigint, "userId" uuid,
      content text, "clientMsgId" text, "webhookId" uuid, "authorName" text, "authorIconUrl" text)
    returning id, channel_id, seq,
      to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at`,
  );
  return new Map(
    inserted.map((row) => [
      `${row.channel_id}:${Number(row.seq)}`,
      { id: row.id, createdAt: row.created_at },
    ]),
  );
}

/** Moves each sender's read mark up to the newest seq they sent (never back). */
export async function markSendersRead(
  q: Queryable,
  marks: { channelId: string; userId: string; seq: number }[],
): Promise<void> {
  if (marks.length === 0) return;
  await q.execute(
    sql`update channel_members m set last_read_seq = greatest(m.last_read_seq, x.seq)
    from jsonb_to_recordset(${json(marks)}) as x("channelId" uuid, "userId" uuid, seq bigint)
    where m.channel_id = x."channelId" and m.user_id = x."userId"`,
  );
}
