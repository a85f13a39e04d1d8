// The statement of one group commit, written by hand: it takes the whole batch as one JSON
// parameter, so its text never changes with the batch size and the driver prepares it once.
import type { Queryable } from '@chat/db';
import { sql } from 'drizzle-orm';
import { json, rows } from './raw-sql.js';

export interface SendRow {
  /** The send's place in the batch. */
  i: number;
  channelId: string;
  userId: string;
  content: string;
  clientMsgId: string | null;
  /** A reply's thread root. */
  parentId: string | null;
  webhookId: string | null;
  authorName: string | null;
  authorIconUrl: string | null;
}

export interface SendResult {
  i: number;
  channelFound: boolean;
  isPrivate: boolean;
  isMember: boolean;
  /** The message this user already sent with the same clientMsgId: nothing was stored. */
  previousId: string | null;
  /** What was stored; null when the send may not be (or its channel went meanwhile). */
  stored: StoredMessage | null;
}

export interface StoredMessage {
  id: string;
  seq: number;
  createdAt: string;
}

/**
 * The batch checked and written in one statement. Per send: does the channel exist, is the
 * sender a member, was its clientMsgId used before. The sends of members that are new are
 * stored: each channel's counter moves once by its number of them, they go in with the seqs
 * that frees (in batch order per channel), and each sender's read mark moves up to the newest
 * seq they sent (never back; not for a webhook's messages). The channels' rows are locked in id
 * order, so two batches that share channels cannot deadlock; a channel deleted meanwhile gets
 * none of its messages. Outside a transaction the statement commits by itself.
 */
export async function checkAndStore(q: Queryable, sends: SendRow[]): Promise<SendResult[]> {
  const found = await rows<{
    i: number;
    channel_found: boolean;
    is_private: boolean;
    is_member: boolean;
    previous_id: string | null;
    id: string | null;
    seq: string | number | null;
    created_at: string | null;
  }>(
    q,
    sql`with sent as (
      select * from jsonb_to_recordset(${json(sends)}) as x(i int, "channelId" uuid,
        "userId" uuid, content text, "clientMsgId" text, "parentId" uuid, "webhookId" uuid,
        "authorName" text, "authorIconUrl" text)
    ), checked as (
      select x.*, c.id is not null as channel_found, coalesce(c.is_private, false) as is_private,
        m.user_id is not null as is_member, p.id as previous_id
      from sent x
      left join channels c on c.id = x."channelId"
      left join channel_members m on m.channel_id = x."channelId" and m.user_id = x."userId"
      left join messages p on p.user_id = x."userId" and p.client_msg_id = x."clientMsgId"
    ), fresh as (
      select checked.*, row_number() over (partition by "channelId" order by i) as k
      from checked where channel_found and is_member and previous_id is null
    ), wanted as (
      select "channelId", count(*)::int as n from fresh group by "channelId"
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
      select f."channelId", s.base + f.k, f."userId", f.content, f."clientMsgId", f."parentId",
        f."webhookId", f."authorName", f."authorIconUrl"
      from fresh f join seqs s on s.id = f."channelId"
      returning id, channel_id, seq, user_id, webhook_id, created_at
    ), marked as (
      update channel_members m set last_read_seq = greatest(m.last_read_seq, r.seq)
      from (select channel_id, user_id, max(seq) as seq from stored where webhook_id is null
        group by channel_id, user_id) r
      where m.channel_id = r.channel_id and m.user_id = r.user_id
    )
    select c.i, c.channel_found, c.is_private, c.is_member, c.previous_id, st.id, st.seq,
      to_char(st.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at
    from checked c
    left join fresh f on f.i = c.i
    left join seqs s on s.id = f."channelId"
    left join stored st on st.channel_id = f."channelId" and st.seq = s.base + f.k`,
  );
  return found.map((row) => ({
    i: Number(row.i),
    channelFound: row.channel_found,
    isPrivate: row.is_private,
    isMember: row.is_member,
    previousId: row.previous_id,
    stored:
      row.id !== null && row.seq !== null && row.created_at !== null
        ? { id: row.id, seq: Number(row.seq), createdAt: row.created_at }
        : null,
  }));
}
