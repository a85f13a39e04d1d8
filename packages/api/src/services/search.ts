// Full-text search over messages: Postgres's own (a generated tsvector with a GIN index),
// English stemming, ranked by ts_rank, newest first among equals; only readable channels.
import { schema } from '@chat/db';
import { and, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { badRequest } from '../errors.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { SearchInput } from '../schemas/index.js';
import { visibleChannel } from './access.js';
import { withExtras } from './message-extras.js';
import type { Actor, ServiceDeps } from './deps.js';
import { messageColumns, toMessage } from './messages.js';
import { parseSearch } from './search-query.js';
import type { Page } from '../schemas/common.js';
import type { Message } from './views.js';

const { channels, channelMembers, files, messages, users } = schema;

export interface SearchHit extends Message {
  /** The matching passage, HTML-escaped, with the terms in `<mark>…</mark>`. */
  highlight: string;
}

// ts_headline marks the terms with these (private-use characters, removed from the content
// first); the passage is escaped afterwards and only then do they become <mark> tags. Asking
// ts_headline for <mark> directly would leave the content's own markup unescaped. It also
// takes `<b>` in the content for a tag and drops it: `<` and `>` go in as two more such
// characters, and come out as `&lt;` and `&gt;`.
const markStart = '\uE000';
const markEnd = '\uE001';
const lessThan = '\uE002';
const greaterThan = '\uE003';
const headlineOptions = `StartSel="${markStart}", StopSel="${markEnd}", MaxWords=35, MinWords=15`;

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function toHighlight(headline: string): string {
  return headline
    .replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char)
    .replaceAll(markStart, '<mark>')
    .replaceAll(markEnd, '</mark>')
    .replaceAll(lessThan, '&lt;')
    .replaceAll(greaterThan, '&gt;');
}

const config = sql.raw(`'english'::regconfig`);

/** The rank and time of the last hit of a page, with its id: where the next page goes on. */
function decodeSearchCursor(cursor: string): { rank: number; time: Date; id: string } {
  const [value, id] = decodeCursor(cursor);
  const [rankText = '', timeText = ''] = value.split(' ');
  const rank = Number(rankText);
  const time = new Date(timeText);
  if (!/^\d+(\.\d+)?(e-?\d+)?$/.test(rankText) || Number.isNaN(time.getTime())) {
    throw badRequest('Invalid cursor', [
      { path: 'cursor', message: 'is not a cursor this API gave' },
    ]);
  }
  return { rank, time, id };
}

export async function searchMessages(
  deps: ServiceDeps,
  actor: Actor,
  input: SearchInput,
): Promise<Page<SearchHit>> {
  const parsed = parseSearch(input.q);
  if (input.channelId) await visibleChannel(deps.db, actor, input.channelId);
  const query = sql`websearch_to_tsquery(${config}, ${parsed.text})`;
  const hasText = parsed.text.trim() !== '';
  const rank = hasText
    ? sql<number>`ts_rank(${messages.searchVector}, ${query})`
    : sql<number>`0::real`;

  const conditions: (SQL | undefined)[] = [
    isNull(messages.deletedAt),
    // readable: every public channel, and the private ones (and DMs) the actor belongs to
    or(
      eq(channels.isPrivate, false),
      sql`exists (select 1 from ${channelMembers} where ${channelMembers.channelId} = ${channels.id}
        and ${channelMembers.userId} = ${actor.userId})`,
    ),
    hasText ? sql`${messages.searchVector} @@ ${query}` : undefined,
    input.channelId ? eq(messages.channelId, input.channelId) : undefined,
    parsed.from.length ? inArray(users.username, parsed.from) : undefined,
    parsed.in.length ? inArray(channels.name, parsed.in) : undefined,
    parsed.before ? lt(messages.createdAt, parsed.before) : undefined,
    parsed.after ? gte(messages.createdAt, parsed.after) : undefined,
    parsed.hasFile
      ? sql`exists (select 1 from ${files} where ${files.messageId} = ${messages.id})`
      : undefined,
  ];
  if (input.cursor) {
    const after = decodeSearchCursor(input.cursor);
    conditions.push(
      sql`(${rank}, ${messages.createdAt}, ${messages.id}) <
        (${after.rank}::real, ${after.time.toISOString()}::timestamptz, ${after.id}::uuid)`,
    );
  }

  // The page is chosen first; only its rows get a headline (ts_headline reads the whole text).
  const hits = deps.db
    .select({ id: messages.id, rank: sql<number>`${rank}`.as('rank') })
    .from(messages)
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .innerJoin(users, eq(users.id, messages.userId))
    .where(and(...conditions))
    .orderBy(desc(rank), desc(messages.createdAt), desc(messages.id))
    .limit(input.limit + 1)
    .as('hits');
  // `<` and `>` become their stand-ins; the stand-ins themselves, wherever they were, go
  const content = sql`translate(${messages.content}, ${'<>' + markStart + markEnd + lessThan + greaterThan}, ${lessThan + greaterThan})`;
  const rows = await deps.db
    .select({
      ...messageColumns,
      rank: hits.rank,
      headline: hasText
        ? sql<string>`ts_headline(${config}, ${content}, ${query}, ${headlineOptions})`
        : sql<string>`left(${content}, 200)`,
    })
    .from(hits)
    .innerJoin(messages, eq(messages.id, hits.id))
    .innerJoin(users, eq(users.id, messages.userId))
    .orderBy(desc(hits.rank), desc(messages.createdAt), desc(messages.id));

  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const withFiles = await withExtras(
    deps.db,
    deps.files.urls,
    page.map((row) => ({ ...toMessage(row), highlight: toHighlight(row.headline) })),
  );
  const last = page.at(-1);
  return {
    items: withFiles,
    nextCursor:
      hasMore && last
        ? encodeCursor([
            `${Number(last.rank)} ${last.message.createdAt.toISOString()}`,
            last.message.id,
          ])
        : null,
  };
}
