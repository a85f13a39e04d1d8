import { z } from 'zod';

export const limits = {
  messageLength: 4000,
  pageSize: 100,
  defaultPageSize: 50,
} as const;

export const uuid = z.uuid({ message: 'must be a UUID' });

/** A `limit` that also arrives as a query-string number. */
export const pageLimit = z.coerce
  .number()
  .int()
  .min(1)
  .max(limits.pageSize)
  .default(limits.defaultPageSize);

export const pageQuery = z.object({
  limit: pageLimit,
  cursor: z.string().max(512).optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
