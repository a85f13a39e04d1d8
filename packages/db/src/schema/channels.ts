import {
  bigint,
  boolean,
  index,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.js';
import { users } from './users.js';

export const channels = pgTable(
  'channels',
  {
    id: id(),
    /** null for direct messages */
    name: text(),
    /** What the channel is for, set by any member (null: none). */
    topic: text(),
    kind: text({ enum: ['channel', 'dm'] })
      .notNull()
      .default('channel'),
    isPrivate: boolean().notNull().default(false),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    /** The seq of the newest message: incremented in the sending transaction, so seqs have no gaps. */
    lastSeq: bigint({ mode: 'number' }).notNull().default(0),
    /** For DMs: the sorted member ids joined by ',' so one set of people has one DM channel. */
    dmKey: text(),
  },
  (t) => [
    uniqueIndex('channels_dm_key_key').on(t.dmKey),
    index('channels_created_at_idx').on(t.createdAt),
  ],
);

export const channelMembers = pgTable(
  'channel_members',
  {
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    joinedAt: createdAt(),
    lastReadSeq: bigint({ mode: 'number' }).notNull().default(0),
    /** The member asked not to be notified of this channel: it follows their account. */
    muted: boolean().notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.userId] }),
    index('channel_members_user_idx').on(t.userId),
  ],
);
