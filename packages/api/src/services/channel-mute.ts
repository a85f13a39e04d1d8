// Muting a channel: a setting of the actor's own membership, so it follows their account to
// every device; a change is told to their own connections only. Nobody else's membership is
// touched, and nobody else is told.
import { sql } from 'drizzle-orm';
import { forbidden } from '../errors.js';
import type { SetMutedInput } from '../schemas/index.js';
import { memberChannel } from './access.js';
import { channelView } from './channel-views.js';
import type { Actor, ServiceDeps } from './deps.js';
import { rows } from './raw-sql.js';
import type { Channel } from './views.js';

/** Sets (or clears) the actor's mute of a channel they are in; setting it again changes nothing. */
export async function setMuted(
  deps: ServiceDeps,
  actor: Actor,
  input: SetMutedInput,
): Promise<Channel> {
  await memberChannel(deps.db, actor, input.channelId);
  // (`was` is read from the row as it stood before the update)
  const [row] = await rows<{ was: boolean }>(
    deps.db,
    sql`update channel_members m set muted = ${input.muted}
      from channel_members was
      where m.channel_id = ${input.channelId} and m.user_id = ${actor.userId}
        and was.channel_id = m.channel_id and was.user_id = m.user_id
      returning was.muted as was`,
  );
  // They left between the check and the update.
  if (!row) throw forbidden('Join the channel first');
  if (row.was !== input.muted)
    await deps.events.publish({
      type: 'channel_muted',
      channelId: input.channelId,
      userId: actor.userId,
      muted: input.muted,
    });
  return channelView(deps.db, actor, input.channelId);
}
