// Opaque pagination cursors: the sort key of the last item given, as base64url JSON.
import { badRequest } from './errors.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every list here sorts by a pair: a value, then the id that breaks ties. */
export type CursorKey = [value: string, id: string];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key inside a cursor this API gave; BAD_REQUEST for anything else. */
export function decodeCursor(cursor: string): CursorKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === 2 &&
      typeof key[0] === 'string' &&
      !key[0].includes('\u0000') && // Postgres cannot compare it: a 500, not a page
      typeof key[1] === 'string' &&
      uuidPattern.test(key[1])
    ) {
      return key as CursorKey;
    }
  } catch {
    // not JSON: fall through to the same answer as any other foreign cursor
  }
  throw invalidCursor();
}

const invalidCursor = () =>
  badRequest('Invalid cursor', [{ path: 'cursor', message: 'is not a cursor this API gave' }]);

// What `Date#toISOString` gives for the years 1..9999, which Postgres can store, and nothing
// else: any other date (`"12"`, year 0, year -271821) would fail in the database as a 500.
const isoTimePattern = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A cursor whose value is a timestamp, exactly as this API writes them. */
export function decodeTimeCursor(cursor: string): [Date, string] {
  const [value, id] = decodeCursor(cursor);
  const time = new Date(value);
  if (!isoTimePattern.test(value) || Number.isNaN(time.getTime()) || time.toISOString() !== value) {
    throw invalidCursor();
  }
  return [time, id];
}

/** Takes `limit + 1` rows and turns them into a page whose cursor is the last item's key. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  keyOf: (row: Row) => CursorKey,
): { items: Item[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(toItem),
    nextCursor: hasMore && last ? encodeCursor(keyOf(last)) : null,
  };
}
