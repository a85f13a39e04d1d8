// Hand-written statements through Drizzle's `execute`, the same on both drivers: their rows,
// json columns read back, and a value passed as one jsonb parameter (so a statement's text
// never changes with the size of what it carries, and the driver prepares it once).
import type { Queryable } from '@chat/db';
import { sql, type SQL } from 'drizzle-orm';

/** The rows of `execute`: postgres-js answers an array, PGlite `{ rows }`. */
export async function rows<Row>(q: Queryable, query: SQL): Promise<Row[]> {
  const result: unknown = await q.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

/** json columns: postgres-js and PGlite both parse them, but a driver set up not to gives text. */
export const parsed = <T>(value: T | string): T =>
  typeof value === 'string' ? (JSON.parse(value) as T) : value;

/** `value` as one jsonb parameter. */
export const json = (value: unknown) => sql`${JSON.stringify(value)}::text::jsonb`;
