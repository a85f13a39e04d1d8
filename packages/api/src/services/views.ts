// The shapes clients see (API.md "Objects") and the one place rows become them.
import { schema } from '@chat/db';
import type { PresenceReader } from './deps.js';

const { users } = schema;

export type UserStatus = 'online' | 'away' | 'dnd' | 'offline';

export interface User {
  id: string;
  username: string;
  displayName: string;
  avatarUrl: string | null;
  status: UserStatus;
  lastSeen: string | null;
  createdAt: string;
}

/** A channel's member: the user and how far they have read in it (for read receipts). */
export interface Member extends User {
  lastReadSeq: number;
}

/** The caller's own user: the only place an email appears. */
export interface OwnUser extends User {
  email: string;
}

export interface Channel {
  id: string;
  name: string | null;
  kind: 'channel' | 'dm';
  isPrivate: boolean;
  topic: string | null;
  createdBy: string | null;
  createdAt: string;
  memberCount: number;
  isMember: boolean;
  lastSeq: number;
  lastReadSeq?: number;
  unreadCount?: number;
  mentionCount?: number;
  /** The caller asked not to be notified of this channel (their membership's own setting). */
  muted?: boolean;
}

export interface Reaction {
  emoji: string;
  count: number;
  userIds: string[];
}

export interface Attachment {
  id: string;
  name: string;
  size: number;
  contentType: string;
  url: string;
}

export interface Message {
  id: string;
  channelId: string;
  seq: number;
  userId: string;
  username: string;
  content: string;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  clientMsgId: string | null;
  /** A thread reply's root; null for a top-level message. */
  parentId: string | null;
  /** On a root: how many replies its thread has, the newest one's time, its latest repliers. */
  replyCount: number;
  lastReplyAt: string | null;
  replyUserIds: string[];
  /** When it was pinned in its channel (null: not pinned). */
  pinnedAt: string | null;
  reactions: Reaction[];
  /** Grows with each change of `reactions`: a client keeps the state with the largest one. */
  reactionsVersion: number;
  attachments: Attachment[];
  /** The incoming webhook that posted it (then `username` is the name it posted under). */
  webhookId: string | null;
  /** The avatar a webhook message asked for (its `icon_url`). */
  iconUrl: string | null;
}

/** A personal access token as its owner sees it: never its secret. */
export interface AccessToken {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** An incoming webhook (its `url`, `/hooks/<secret>`, is in the answer that created it only). */
export interface Webhook {
  id: string;
  name: string;
  channelId: string;
  createdBy: string;
  createdAt: string;
}

/** The columns of a user that may leave the server: never the password hash. */
export const userColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  avatarUrl: users.avatarUrl,
  status: users.status,
  lastSeen: users.lastSeen,
  createdAt: users.createdAt,
};

export type UserRow = {
  id: string;
  username: string;
  displayName: string | null;
  avatarUrl: string | null;
  status: 'online' | 'away' | 'dnd';
  lastSeen: Date | null;
  createdAt: Date;
};

export const iso = (date: Date) => date.toISOString();
export const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

/** Users as others see them, with their live status: their chosen one while connected. */
export async function toUsers(presence: PresenceReader, rows: UserRow[]): Promise<User[]> {
  const connected = await presence.connectedUserIds(rows.map((row) => row.id));
  return rows.map((row) => ({
    id: row.id,
    username: row.username,
    displayName: row.displayName ?? row.username,
    avatarUrl: row.avatarUrl,
    status: connected.has(row.id) ? row.status : 'offline',
    lastSeen: isoOrNull(row.lastSeen),
    createdAt: iso(row.createdAt),
  }));
}

export async function toUser(presence: PresenceReader, row: UserRow): Promise<User> {
  const [user] = await toUsers(presence, [row]);
  if (!user) throw new Error('toUsers returned nothing for one row');
  return user;
}
