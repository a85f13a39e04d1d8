// Events that flow from the services through the broker to every connection that may see them.
import type { Message, UserStatus } from '../services/views.js';

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
    }
  /** Sent to every channel the user is in; `channelIds` names them. */
  | { type: 'presence'; userId: string; status: UserStatus; channelIds: string[] }
  /** To the owner's topic: connections signed in with that personal access token close. */
  | { type: 'access_token_revoked'; userId: string; tokenId: string };

export type ChannelEvent = Extract<ChatEvent, { channelId: string }>;
