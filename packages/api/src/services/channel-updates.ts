// Changing a channel: any member sets its topic, only its creator renames it.
import { schema } from '@chat/db';
import { eq } from 'drizzle-orm';
import { forbidden } from '../errors.js';
import type { UpdateChannelInput } from '../schemas/index.js';
import { memberChannel } from './access.js';
import { channelView } from './channel-views.js';
import type { Actor, ServiceDeps } from './deps.js';
import type { Channel } from './views.js';

const { channels } = schema;

export async function updateChannel(
  deps: ServiceDeps,
  actor: Actor,
  input: UpdateChannelInput,
): Promise<Channel> {
  const channel = await memberChannel(deps.db, actor, input.channelId);
  const renames = input.name !== undefined && input.name !== channel.name;
  if (renames) {
    if (channel.kind === 'dm') throw forbidden('A direct message has no name');
    if (channel.createdBy !== actor.userId)
      throw forbidden('Only the channel creator can rename it');
  }
  const changesTopic = input.topic !== undefined && input.topic !== channel.topic;
  if (renames || changesTopic) {
    await deps.db
      .update(channels)
      .set({
        ...(renames ? { name: input.name } : {}),
        ...(changesTopic ? { topic: input.topic } : {}),
      })
      .where(eq(channels.id, input.channelId));
  }
  const view = await channelView(deps.db, actor, input.channelId);
  if (renames || changesTopic)
    await deps.events.publish({
      type: 'channel_updated',
      channelId: input.channelId,
      channel: sharedView(view),
    });
  return view;
}

/** The channel as every member may see it: without the caller's own read counters. */
function sharedView(view: Channel): Channel {
  const {
    lastReadSeq: _read,
    unreadCount: _unread,
    mentionCount: _mentions,
    muted: _muted,
    ...shared
  } = view;
  return shared;
}
