// Access checks for live streams, so every realtime transport asks the same question, when a
// stream opens and again whenever the answer may have changed: a stream ends the moment its
// reader loses the right to it (removed from a private channel, deactivated, logged out).
import { AppError, notFound, unauthorized } from '../errors.js';
import { ChannelStream, type ChannelSink } from '../realtime/channel-stream.js';
import { revokesActor } from '../realtime/events.js';
import { UserSession, type SessionSink } from '../realtime/user-session.js';
import { visibleChannel } from './access.js';
import type { Actor, ServiceDeps } from './deps.js';

export interface GuardedChannelSink extends ChannelSink {
  /** The reader may no longer see the channel (NOT_FOUND) or use the API (UNAUTHORIZED). */
  lost(error: AppError): void;
}

export interface LiveChannel {
  close(): void;
}

/**
 * A channel's messages after `after` (or from now on) for anyone who may read the channel, for
 * as long as they may. Whether they still may is asked again on each of their leaves (heard on
 * their own topic, from any instance), with the same rule: leaving a public channel does not
 * hide it, losing a private one does.
 */
export async function openChannelStream(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  sink: GuardedChannelSink,
  after?: number,
): Promise<LiveChannel> {
  let stream: ChannelStream | undefined;
  let lost = false;
  const lose = (error: AppError) => {
    if (lost) return;
    lost = true;
    stopWatching();
    stream?.close();
    sink.lost(error);
  };
  // Listening starts before the first check, so a leave cannot fall between the two.
  const stopWatching = await deps.realtime.watchUser(actor.userId, (event) => {
    if (event.type === 'access_revoked' && revokesActor(event, actor)) {
      lose(unauthorized('Access revoked'));
    } else if (event.type === 'leave' && event.userId === actor.userId) {
      if (event.channelId !== channelId) return;
      // Nothing more reaches the reader until the channel is known to be still theirs.
      const release = stream?.hold();
      visibleChannel(deps.db, actor, channelId).then(
        () => release?.(),
        (error: unknown) => {
          if (error instanceof AppError && error.code === 'NOT_FOUND') lose(notFound('Channel'));
          else release?.();
        },
      );
    }
  });
  try {
    await visibleChannel(deps.db, actor, channelId);
    stream = await ChannelStream.open(deps.realtime, deps.db, channelId, sink, after);
  } catch (error) {
    stopWatching();
    throw error;
  }
  if (lost) stream.close();
  return {
    close: () => {
      stopWatching();
      stream?.close();
    },
  };
}

/** Everything of the actor's own channels (membership is the access rule). */
export function openUserSession(
  deps: ServiceDeps,
  actor: Actor,
  sink: SessionSink,
): Promise<UserSession> {
  return UserSession.open(deps, actor, sink);
}
