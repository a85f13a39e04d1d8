// Events that flow from the services through the broker to every connection that may see them.
import type { Channel, Message, UserStatus } from '../services/views.js';

export type ChatEvent =
  | { type: 'message' | 'message_updated' | 'message_deleted'; channelId: string; message: Message }
  | { type: 'join' | 'leave'; channelId: string; userId: string; username: string; channel?: Channel }
  | { type: 'read'; channelId: string; userId: string; seq: number }
  | { type: 'typing'; channelId: string; userId: string; username: string }
  | { type: 'presence'; userId: string; status: UserStatus; channelIds: string[] };
