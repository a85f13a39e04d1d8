// The write side of threads: which root a reply attaches to (checked before the send's
// transaction), and the roots' counters, kept inside that transaction for one reply or a batch.
import { schema, type Queryable } from '@chat/db';
import { eq, sql } from 'drizzle-orm';
import { AppError, badRequest, notFound } from '../errors.js';
import { visibleChannel } from './access.js';
import { json, rows } from './raw-sql.js';
import type { Actor } from './deps.js';

const { messages } = schema;

/** How many repliers a root lists in `replyUserIds`. */
export const listedRepliers = 5;

/**
 * The id of the root a reply to `parentId` in `channelId` belongs to: the parent itself, or its
 * root when the parent is a reply. NOT_FOUND for a message the actor cannot see (or a deleted
 * one), BAD_REQUEST for one of another channel.
 */
export async function threadRootOf(
  q: Queryable,
  actor: Actor,
  channelId: string,
  parentId: string,
): Promise<string> {
  const [parent] = await q
    .select({
      channelId: messages.channelId,
      parentId: messages.parentId,
      deletedAt: messages.deletedAt,
    })
    .from(messages)
    .where(eq(messages.id, parentId));
  if (!parent) throw notFound('Message');
  // a message of a private channel the actor is not in does not exist for them
  await visibleChannel(q, actor, parent.channelId).catch((error: unknown) => {
    throw error instanceof AppError ? notFound('Message') : error;
  });
  if (parent.deletedAt !== null) throw notFound('Message');
  if (parent.channelId !== channelId) {
    throw badRequest('parentId must be a message of the same channel');
  }
  return parent.parentId ?? parentId;
}

/**
 * Counts the just-inserted replies `replyIds` into their roots, in one statement for all of
 * them: `replyCount` grows by each root's share, `lastReplyAt` moves to its newest reply, and
 * the repliers go to the front of `replyUserIds` (newest first, distinct, at most 5). Run it in
 * the transaction that inserted the replies (a group commit's batch, or a single send); it
 * returns the ids of the roots it changed. Like the batch's other statements it takes the ids
 * as one JSON parameter, so its text is the same for every batch size.
 *
 * Concurrent replies to one root are safe: the update takes the root's row lock and adds to the
 * committed values, and a root's replies are in its channel, whose seq counter already orders
 * the transactions that post there.
 */
export async function countRepliesIntoRoots(tx: Queryable, replyIds: string[]): Promise<string[]> {
  if (replyIds.length === 0) return [];
  const roots = await rows<{ id: string }>(
    tx,
    sql`update messages root set
      reply_count = root.reply_count + batch.replies,
      last_reply_at = greatest(root.last_reply_at, batch.newest_reply_at),
      reply_user_ids = array(
        select replier.user_id
        from unnest(batch.replier_ids || root.reply_user_ids)
          with ordinality as replier(user_id, position)
        group by replier.user_id
        order by min(replier.position)
        limit ${sql.raw(String(listedRepliers))})
    from (
      select parent_id, count(*)::int as replies, max(created_at) as newest_reply_at,
        array_agg(user_id order by seq desc) as replier_ids
      from messages
      where id in (select value::uuid from jsonb_array_elements_text(${json(replyIds)}))
        and parent_id is not null
      group by parent_id
    ) as batch
    where root.id = batch.parent_id
    returning root.id`,
  );
  return roots.map((root) => root.id);
}
