import { z } from 'zod';
import { pageLimit, text, uuid } from './common.js';

export const searchQuery = z.object({
  /** Words (websearch syntax) and operators: from:, in:, before:, after:, has:file. */
  q: text().trim().min(1).max(500),
  channelId: uuid.optional(),
  limit: pageLimit,
  cursor: text().max(512).optional(),
});
export type SearchInput = z.infer<typeof searchQuery>;

export const fileIdParams = z.object({ id: uuid });

/** A download's signature (both or neither; anything else is simply not a valid signature). */
export const fileDownloadQuery = z.object({
  sig: z.string().max(128).optional(),
  exp: z.string().max(32).optional(),
});
