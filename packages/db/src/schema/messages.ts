import { sql } from 'drizzle-orm';
import { bigint, customType, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
    /** The content's words for full-text search (English stemming), kept by Postgres itself. */
    searchVector: tsvector()
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('english', content)`),
  },
  (t) => [
    uniqueIndex('messages_channel_seq_key').on(t.channelId, t.seq),
    uniqueIndex('messages_user_client_msg_id_key').on(t.userId, t.clientMsgId),
    index('messages_user_idx').on(t.userId),
    index('messages_search_idx').using('gin', t.searchVector),
  ],
);
