// Muting a channel: a setting of the actor's own membership, so it follows their account to
// every device. Nobody else's membership is touched, and nobody else is told.
import { schema } from '@chat/db';
import { and, eq } from 'drizzle-orm';
import { forbidden } from '../errors.js';
import type { SetMutedInput } from '../schemas/index.js';
import { memberChannel } from './access.js';
import { channelView } from './channel-views.js';
import type { Actor, ServiceDeps } from './deps.js';
import type { Channel } from './views.js';

const { channelMembers } = schema;

/** Sets (or clears) the actor's mute of a channel they are in; setting it again changes nothing. */
export async function setMuted(
  deps: ServiceDeps,
  actor: Actor,
  input: SetMutedInput,
): Promise<Channel> {
  await memberChannel(deps.db, actor, input.channelId);
  const [row] = await deps.db
    .update(channelMembers)
    .set({ muted: input.muted })
    .where(
      and(eq(channelMembers.channelId, input.channelId), eq(channelMembers.userId, actor.userId)),
    )
    .returning({ muted: channelMembers.muted });
  // They left between the check and the update.
  if (!row) throw forbidden('Join the channel first');
  return channelView(deps.db, actor, input.channelId);
}
