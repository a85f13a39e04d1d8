import { z } from 'zod';
import { pageQuery, uuid } from './common.js';

export const listUsersInput = pageQuery.extend({
  /** username prefix */
  q: z.string().max(32).optional(),
});
export type ListUsersInput = z.infer<typeof listUsersInput>;

export const userIdInput = z.object({ userId: uuid });
