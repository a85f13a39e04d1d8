import { bigint, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.js';
import { messages } from './messages.js';
import { users } from './users.js';

/** An uploaded file: its bytes live in the file storage under `storageKey`. */
export const files = pgTable(
  'files',
  {
    id: id(),
    uploaderId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The message it is attached to; null until it is sent with one (and only once). */
    messageId: uuid().references(() => messages.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    size: bigint({ mode: 'number' }).notNull(),
    /** Sniffed from the bytes, never taken from the client. */
    contentType: text().notNull(),
    storageKey: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('files_message_idx').on(t.messageId), index('files_uploader_idx').on(t.uploaderId)],
);
