// What bots and other tools sign in with: personal access tokens and incoming webhooks. Both
// secrets are stored only as their SHA-256 digest; the secret itself is shown once.
import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { channels } from './channels.js';
import { createdAt, id, nullableTimestamp } from './columns.js';
import { users } from './users.js';

export const personalAccessTokens = pgTable(
  'personal_access_tokens',
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** SHA-256 (hex) of the whole `chat_pat_…` secret. */
    tokenHash: text().notNull(),
    createdAt: createdAt(),
    /** null: never expires. */
    expiresAt: nullableTimestamp(),
    lastUsedAt: nullableTimestamp(),
  },
  (t) => [
    uniqueIndex('personal_access_tokens_token_hash_key').on(t.tokenHash),
    index('personal_access_tokens_user_idx').on(t.userId),
  ],
);

export const webhooks = pgTable(
  'webhooks',
  {
    id: id(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    /** Its messages are stored under this user (who must still be a member to post). */
    createdBy: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** SHA-256 (hex) of the secret in `/hooks/<secret>`. */
    secretHash: text().notNull(),
    createdAt: createdAt(),
    /** Deleted webhooks keep their row, so their messages still name them. */
    deletedAt: nullableTimestamp(),
  },
  (t) => [
    uniqueIndex('webhooks_secret_hash_key').on(t.secretHash),
    index('webhooks_channel_idx').on(t.channelId),
  ],
);
