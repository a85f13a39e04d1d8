// Events that flow from the services through the broker to every connection that may see them.
import type { Channel, Message, Reaction, User, UserStatus } from '../services/views.js';

export type ChatEvent =
  | { type: 'message' | 'message_updated' | 'message_deleted'; channelId: string; message: Message }
  /** `seq`: the channel's last seq when the user joined; what follows is theirs to receive. */
  | { type: 'join'; channelId: string; userId: string; username: string; seq: number }
  | { type: 'leave'; channelId: string; userId: string; username: string }
  | { type: 'read'; channelId: string; userId: string; seq: number }
  | { type: 'typing'; channelId: string; userId: string; username: string }
  | {
      type: 'reaction';
      channelId: string;
      messageId: string;
      emoji: string;
      userId: string;
      op: 'add' | 'remove';
      /** The message's reactions after the change. */
      reactions: Reaction[];
      /** The message's `reactionsVersion` after it: an event with a smaller one is stale. */
      reactionsVersion: number;
    }
  | { type: 'pin'; channelId: string; messageId: string; userId: string; op: 'add' | 'remove' }
  /** The topic or name changed; `channel` carries no one's own counters. */
  | { type: 'channel_updated'; channelId: string; channel: Channel }
  /**
   * To the user's own topic only: their access ended — deactivated (neither field), the login
   * `sessionId` logged out, or the personal access token `accessTokenId` revoked. Their open
   * streams on every instance close.
   */
  | { type: 'access_revoked'; userId: string; sessionId?: string; accessTokenId?: string }
  /** Sent to every channel the user is in; `channelIds` names them. */
  | { type: 'presence'; userId: string; status: UserStatus; channelIds: string[] }
  /** A public channel was made: to everyone (a private one reaches its members as joins). */
  | { type: 'channel_created'; channelId: string; name: string; createdBy: string }
  /** A user's display name or avatar changed: like presence, to every channel they are in. */
  | { type: 'user_updated'; user: User; channelIds: string[] }
  /** The user muted or unmuted a channel: to their own topic only (their other devices). */
  | { type: 'channel_muted'; channelId: string; userId: string; muted: boolean };

export type ChannelEvent = Extract<ChatEvent, { channelId: string }>;

/** Whether an access_revoked event ends the streams of this actor. */
export const revokesActor = (
  event: Extract<ChatEvent, { type: 'access_revoked' }>,
  actor: { userId: string; sessionId?: string; accessTokenId?: string },
) =>
  event.userId === actor.userId &&
  (event.sessionId === undefined || event.sessionId === actor.sessionId) &&
  (event.accessTokenId === undefined || event.accessTokenId === actor.accessTokenId);
