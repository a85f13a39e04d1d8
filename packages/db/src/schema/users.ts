import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, nullableTimestamp } from './columns.js';

export const users = pgTable(
  'users',
  {
    id: id(),
    username: text().notNull(),
    email: text().notNull(),
    passwordHash: text().notNull(),
    displayName: text(),
    avatarUrl: text(),
    /** The status the user chose: online, away or dnd. Whether they are connected is live state. */
    status: text({ enum: ['online', 'away', 'dnd'] })
      .notNull()
      .default('online'),
    createdAt: createdAt(),
    lastSeen: nullableTimestamp(),
    /**
     * Every access token carries the version it was signed under; bumping it (deactivation,
     * password reset) makes all of the user's tokens invalid at once, on every instance.
     */
    tokenVersion: integer().notNull().default(0),
    /** Set by an operator: the user can no longer sign in, and their tokens stop working. */
    deactivatedAt: nullableTimestamp(),
    isAdmin: boolean().notNull().default(false),
  },
  (t) => [
    // Names and addresses are unique regardless of case: "Alice" and "alice" are one person.
    uniqueIndex('users_username_key').on(sql`lower(${t.username})`),
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
  ],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Every token minted by rotation from one login shares its family; reuse revokes the family. */
    familyId: uuid().notNull(),
    /** SHA-256 of the token: the token itself is never stored. */
    tokenHash: text().notNull(),
    createdAt: createdAt(),
    expiresAt: nullableTimestamp().notNull(),
    usedAt: nullableTimestamp(),
    revokedAt: nullableTimestamp(),
  },
  (t) => [
    uniqueIndex('refresh_tokens_token_hash_key').on(t.tokenHash),
    index('refresh_tokens_family_idx').on(t.familyId),
  ],
);
