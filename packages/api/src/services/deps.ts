import type { Database } from '@chat/db';
import type { ChatEvent } from '../realtime/events.js';
import type { RealtimeHub } from '../realtime/hub.js';
import type { PresenceStore } from '../realtime/presence.js';
import type { FilesConfig } from './files.js';
import type { SendBatcher } from './send-batcher.js';
import type { TypingThrottle } from './typing.js';
import type { TokenConfig } from './tokens.js';

/** Who is calling: taken from a verified access token. */
export interface Actor {
  userId: string;
  username: string;
  /** The login (refresh-token family) the access token belongs to, when it names one. */
  sessionId?: string;
  /** Set when the caller signed in with a personal access token: its sockets close on revoke. */
  accessTokenId?: string;
}

/** Tells which users have an open connection right now, on any instance. */
export interface PresenceReader {
  connectedUserIds(userIds: readonly string[]): Promise<Set<string>>;
}

/** Sends events to subscribers; services call it only after their transaction committed. */
export interface EventPublisher {
  publish(event: ChatEvent): Promise<void>;
}

/** Everything a service needs from the outside world, passed in explicitly. */
export interface ServiceDeps {
  db: Database;
  tokens: TokenConfig;
  events: EventPublisher;
  presence: PresenceStore;
  typing: TypingThrottle;
  /** This instance's subscriptions to live events (for the realtime transports). */
  realtime: RealtimeHub;
  /** Where uploads go, how large they may be, and how their URLs are signed. */
  files: FilesConfig;
  /** The group commit every new message goes through (`messages.sendMessage`). */
  sends: SendBatcher;
}
