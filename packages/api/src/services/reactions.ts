// Reactions are announced to the channel's members; storing them comes with their own feature.
import { schema } from '@chat/db';
import { eq } from 'drizzle-orm';
import { notFound } from '../errors.js';
import type { ReactionInput } from '../schemas/index.js';
import { memberChannel } from './access.js';
import type { Actor, ServiceDeps } from './deps.js';

export async function announceReaction(deps: ServiceDeps, actor: Actor, input: ReactionInput) {
  const [message] = await deps.db
    .select({ channelId: schema.messages.channelId })
    .from(schema.messages)
    .where(eq(schema.messages.id, input.messageId));
  if (!message) throw notFound('Message');
  try {
    await memberChannel(deps.db, actor, message.channelId);
  } catch {
    throw notFound('Message');
  }
  await deps.events.publish({
    type: 'reaction',
    channelId: message.channelId,
    messageId: input.messageId,
    emoji: input.emoji,
    userId: actor.userId,
    op: input.op,
  });
}
