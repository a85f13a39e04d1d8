import { z } from 'zod';
import { pageQuery, text, uuid } from './common.js';

export const listUsersInput = pageQuery.extend({
  /** username prefix */
  q: text().max(32).optional(),
});
export type ListUsersInput = z.infer<typeof listUsersInput>;

export const userIdInput = z.object({ userId: uuid });
