import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { createdAt, id, nullableTimestamp } from './columns.js';
import { channels } from './channels.js';
import { webhooks } from './integrations.js';
import { users } from './users.js';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const messages = pgTable(
  'messages',
  {
    id: id(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    seq: bigint({ mode: 'number' }).notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    content: text().notNull(),
    clientMsgId: text(),
    createdAt: createdAt(),
    editedAt: nullableTimestamp(),
    deletedAt: nullableTimestamp(),
    /** Set on a message posted through an incoming webhook (its author is the webhook's creator). */
    webhookId: uuid().references(() => webhooks.id, { onDelete: 'set null' }),
    /** Shown instead of the author's username (a webhook's name or the `username` it sent). */
    authorName: text(),
    /** The avatar a webhook message asked for (`icon_url`). */
    authorIconUrl: text(),
    /** A thread reply: its root, a top-level message of the same channel (never a reply). */
    parentId: uuid().references((): AnyPgColumn => messages.id, { onDelete: 'cascade' }),
    /** On a root: its thread, kept in the transaction of each reply (services/threads.ts). */
    replyCount: integer().notNull().default(0),
    lastReplyAt: nullableTimestamp(),
    /** The most recent distinct repliers, newest first, at most 5. */
    replyUserIds: uuid()
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    /** When a member pinned it in its channel (null: not pinned). */
    pinnedAt: nullableTimestamp(),
    pinnedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    /**
     * Moves by one with each change of its reactions, in the change's transaction (under the
     * row's lock): of two `reaction` events, the one with the larger version is the newer state.
     */
    reactionsVersion: integer().notNull().default(0),
    /** The content's words for full-text search (English stemming), kept by Postgres itself. */
    searchVector: tsvector()
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('english', content)`),
  },
  (t) => [
    uniqueIndex('messages_channel_seq_key').on(t.channelId, t.seq),
    uniqueIndex('messages_user_client_msg_id_key').on(t.userId, t.clientMsgId),
    index('messages_user_idx').on(t.userId),
    // a thread's replies in seq order, and history without replies (`topLevel`)
    index('messages_parent_seq_idx')
      .on(t.parentId, t.seq)
      .where(sql`${t.parentId} is not null`),
    index('messages_channel_top_level_idx')
      .on(t.channelId, t.seq)
      .where(sql`${t.parentId} is null`),
    index('messages_channel_pinned_idx')
      .on(t.channelId, t.pinnedAt)
      .where(sql`${t.pinnedAt} is not null`),
    index('messages_search_idx').using('gin', t.searchVector),
  ],
);

/** One row per user per emoji per message. */
export const messageReactions = pgTable(
  'message_reactions',
  {
    messageId: uuid()
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    emoji: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.emoji, t.userId] }),
    index('message_reactions_user_idx').on(t.userId),
  ],
);
