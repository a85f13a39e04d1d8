// The write side of threads: which root a reply attaches to (checked before the send's
// transaction), and the roots' counters, kept inside that transaction for one reply or a batch.
import { schema, type Queryable } from '@chat/db';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { AppError, badRequest, notFound } from '../errors.js';
import { visibleChannel } from './access.js';
import type { Actor } from './deps.js';

const { messages } = schema;
const reply = alias(messages, 'reply');

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
 * the transaction that inserted the replies; it returns the ids of the roots it changed.
 *
 * Concurrent replies to one root are safe: the update takes the root's row lock and adds to the
 * committed values, and the channel's seq counter already orders the senders of one channel.
 */
export async function countRepliesIntoRoots(tx: Queryable, replyIds: string[]): Promise<string[]> {
  if (replyIds.length === 0) return [];
  const batch = tx
    .select({
      rootId: sql<string>`${reply.parentId}`.as('root_id'),
      replies: sql<number>`count(*)::int`.as('reply_total'),
      newestReplyAt: sql<Date>`max(${reply.createdAt})`.as('newest_reply_at'),
      userIds: sql<string[]>`array_agg(${reply.userId} order by ${reply.seq} desc)`.as(
        'replier_ids',
      ),
    })
    .from(reply)
    .where(and(inArray(reply.id, replyIds), isNotNull(reply.parentId)))
    .groupBy(reply.parentId)
    .as('batch');
  const roots = await tx
    .update(messages)
    .set({
      replyCount: sql`${messages.replyCount} + ${batch.replies}`,
      lastReplyAt: sql`greatest(${messages.lastReplyAt}, ${batch.newestReplyAt})`,
      // the batch's repliers (newest first) before the ones listed, each once, the first 5
      replyUserIds: sql`array(
        select replier.user_id
        from unnest(${batch.userIds} || ${messages.replyUserIds})
          with ordinality as replier(user_id, position)
        group by replier.user_id
        order by min(replier.position)
        limit ${listedRepliers})`,
    })
    .from(batch)
    .where(eq(messages.id, batch.rootId))
    .returning({ id: messages.id });
  return roots.map((root) => root.id);
}
