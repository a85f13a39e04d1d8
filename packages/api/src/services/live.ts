// Access checks for live streams, so every realtime transport asks the same question once.
import { ChannelStream, type ChannelSink } from '../realtime/channel-stream.js';
import { UserSession, type SessionSink } from '../realtime/user-session.js';
import { visibleChannel } from './access.js';
import type { Actor, ServiceDeps } from './deps.js';

/** A channel's messages after `after` (or from now on) for anyone who may read the channel. */
export async function openChannelStream(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  sink: ChannelSink,
  after?: number,
): Promise<ChannelStream> {
  await visibleChannel(deps.db, actor, channelId);
  return ChannelStream.open(deps.realtime, deps.db, channelId, sink, after);
}

/** Everything of the actor's own channels (membership is the access rule). */
export function openUserSession(
  deps: ServiceDeps,
  actor: Actor,
  sink: SessionSink,
): Promise<UserSession> {
  return UserSession.open(deps, actor, sink);
}
