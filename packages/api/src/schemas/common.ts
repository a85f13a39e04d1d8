import { z } from 'zod';

export const limits = {
  messageLength: 4000,
  pageSize: 100,
  defaultPageSize: 50,
} as const;

/**
 * A UUID, in lower case whatever case it came in: ids are compared as strings (subscriptions,
 * held streams, cursors), so `ABC…` and `abc…` must be the same id everywhere. (`toLowerCase`
 * rather than a transform: response schemas that reuse it can still encode.)
 */
export const uuid = z.uuid({ message: 'must be a UUID' }).toLowerCase();

// JSON may carry a NUL character (`\u0000`), which Postgres refuses in text with an error (a
// 500): every string that reaches the database is checked for it, as invalid input.
const nulFree = (value: string) => !value.includes('\u0000');
const nulMessage = 'must not contain NUL characters';

// JSON may also carry half of a surrogate pair (`\ud800`), which is no character at all: stored,
// it would silently turn into U+FFFD. With the `u` flag the class matches only unpaired halves.
const loneSurrogate = /[\uD800-\uDFFF]/u;
const wellFormed = (value: string) => !loneSurrogate.test(value);
const surrogateMessage = 'must be valid Unicode (it contains a lone surrogate)';

/** A string Postgres can store and compare, exactly as it came. */
export const text = () =>
  z.string().refine(nulFree, nulMessage).refine(wellFormed, surrogateMessage);

/** An absolute http(s) URL Postgres can store. */
export const httpUrl = (maxLength: number) =>
  z
    .url({ protocol: /^https?$/ })
    .max(maxLength)
    .refine(nulFree, nulMessage)
    .refine(wellFormed, surrogateMessage);

/** A `limit` that also arrives as a query-string number. */
export const pageLimit = z.coerce
  .number()
  .int()
  .min(1)
  .max(limits.pageSize)
  .default(limits.defaultPageSize);

export const pageQuery = z.object({
  limit: pageLimit,
  cursor: text().max(512).optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A message seq as JSON carries it: a whole number, never coerced from anything else. */
export const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A seq in a query string: digits only (an empty `?before=` is an error, not 0). */
export const querySeq = z.union([
  seq,
  z
    .string()
    .regex(/^\d{1,16}$/, 'must be a whole number')
    .transform(Number)
    .pipe(seq),
]);

/** A flag in a query string: `true` or `false` (anything else is an error, not a guess). */
export const queryBoolean = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform((value) => value === 'true'),
]);
