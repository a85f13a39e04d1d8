// Reactions: one row per user per emoji per message. Adding and removing are idempotent; the
// channel's members hear of a change, with the message's reactions as they are after it.
import { schema, type Queryable } from '@chat/db';
import { and, countDistinct, eq, sql } from 'drizzle-orm';
import { badRequest, forbidden, notFound } from '../errors.js';
import { reactionLimits, type ReactionInput } from '../schemas/index.js';
import type { Actor, ServiceDeps } from './deps.js';
import { reactionsOfMessage } from './message-extras.js';
import { visibleMessage } from './messages.js';
import type { Message } from './views.js';

const { messages, messageReactions } = schema;

/**
 * The message if the actor is a member of its channel and it is not deleted: NOT_FOUND for a
 * message the actor cannot see, FORBIDDEN in a public channel they have not joined.
 */
export async function memberMessage(
  deps: ServiceDeps,
  actor: Actor,
  messageId: string,
): Promise<Message> {
  const { message, isMember } = await visibleMessage(deps, actor, messageId);
  if (message.deleted) throw notFound('Message');
  if (!isMember) throw forbidden('Join the channel first');
  return message;
}

/** Adds or removes the actor's reaction; answers the message with its reactions after that. */
export async function react(
  deps: ServiceDeps,
  actor: Actor,
  input: ReactionInput,
): Promise<Message> {
  const message = await memberMessage(deps, actor, input.messageId);
  const { changed, reactions, reactionsVersion } = await deps.db.transaction(async (tx) => {
    // The message's row lock orders concurrent changes, so the limit holds and each change
    // reads the reactions it leaves behind, under the version it gives them.
    const [locked] = await tx
      .select({ version: messages.reactionsVersion })
      .from(messages)
      .where(and(eq(messages.id, input.messageId), sql`${messages.deletedAt} is null`))
      .for('update');
    if (!locked) throw notFound('Message');
    const changed =
      input.op === 'add'
        ? await addReaction(tx, actor, input)
        : await removeReaction(tx, actor, input);
    let reactionsVersion = locked.version;
    if (changed) {
      const [bumped] = await tx
        .update(messages)
        .set({ reactionsVersion: sql`${messages.reactionsVersion} + 1` })
        .where(eq(messages.id, input.messageId))
        .returning({ version: messages.reactionsVersion });
      reactionsVersion = bumped?.version ?? reactionsVersion;
    }
    const reactions = await reactionsOfMessage(tx, input.messageId);
    return { changed, reactions, reactionsVersion };
  });
  // Two changes commit in lock order but may be published in either order (and through Redis
  // from two instances): the version tells every client which state is the newer one.
  if (changed)
    await deps.events.publish({
      type: 'reaction',
      channelId: message.channelId,
      messageId: message.id,
      emoji: input.emoji,
      userId: actor.userId,
      op: input.op,
      reactions,
      reactionsVersion,
    });
  return { ...message, reactions, reactionsVersion };
}

async function addReaction(q: Queryable, actor: Actor, input: ReactionInput): Promise<boolean> {
  const [existing] = await q
    .select({
      distinct: countDistinct(messageReactions.emoji),
      used: sql<boolean>`bool_or(${messageReactions.emoji} = ${input.emoji})`,
    })
    .from(messageReactions)
    .where(eq(messageReactions.messageId, input.messageId));
  if (!existing?.used && (existing?.distinct ?? 0) >= reactionLimits.distinctPerMessage)
    throw badRequest(
      `A message has at most ${reactionLimits.distinctPerMessage} different reactions`,
      [{ path: 'emoji', message: 'is one emoji too many for this message' }],
    );
  const inserted = await q
    .insert(messageReactions)
    .values({ messageId: input.messageId, userId: actor.userId, emoji: input.emoji })
    .onConflictDoNothing()
    .returning({ emoji: messageReactions.emoji });
  return inserted.length > 0;
}

async function removeReaction(q: Queryable, actor: Actor, input: ReactionInput): Promise<boolean> {
  const removed = await q
    .delete(messageReactions)
    .where(
      and(
        eq(messageReactions.messageId, input.messageId),
        eq(messageReactions.userId, actor.userId),
        eq(messageReactions.emoji, input.emoji),
      ),
    )
    .returning({ emoji: messageReactions.emoji });
  return removed.length > 0;
}
