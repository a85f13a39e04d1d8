// The operators of a search box (`from:alice in:general before:2026-01-31 has:file`), taken
// out of the query; what remains is the text, for websearch_to_tsquery.
import { badRequest } from '../errors.js';

export interface ParsedSearch {
  /** The words to find (websearch syntax: "phrases", or, -not); may be empty. */
  text: string;
  /** Usernames (`from:alice`, `from:@alice`); several mean any of them. */
  from: string[];
  /** Channel names (`in:general`, `in:#general`); several mean any of them. */
  in: string[];
  /** Before that day began (UTC). */
  before: Date | undefined;
  /** After that day ended (UTC). */
  after: Date | undefined;
  /** `has:file`: only messages with attachments. */
  hasFile: boolean;
}

// A quoted phrase (an unclosed quote runs to the end), or a run of anything but spaces.
const tokenPattern = /"[^"]*"?|[^\s"]+/g;
const operatorPattern = /^(from|in|before|after|has):(.+)$/i;
const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

const invalid = (message: string) => badRequest('Invalid search', [{ path: 'q', message }]);

function parseDay(value: string, operator: string): Date {
  const match = dayPattern.exec(value);
  const day = match ? new Date(`${value}T00:00:00.000Z`) : undefined;
  // `2026-02-31` parses as a date in March: a day that does not exist is refused, not moved
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) {
    throw invalid(`${operator}: takes a day as YYYY-MM-DD`);
  }
  return day;
}

const dayMs = 24 * 60 * 60 * 1000;

export function parseSearch(q: string): ParsedSearch {
  const parsed: ParsedSearch = {
    text: '',
    from: [],
    in: [],
    before: undefined,
    after: undefined,
    hasFile: false,
  };
  const words: string[] = [];
  for (const [token] of q.matchAll(tokenPattern)) {
    const match = token.startsWith('"') ? null : operatorPattern.exec(token);
    if (!match) {
      words.push(token);
      continue;
    }
    const operator = (match[1] ?? '').toLowerCase();
    const value = match[2] ?? '';
    switch (operator) {
      case 'from':
        parsed.from.push(value.replace(/^@/, ''));
        break;
      case 'in':
        parsed.in.push(value.replace(/^#/, ''));
        break;
      case 'before':
        parsed.before = parseDay(value, operator);
        break;
      case 'after':
        parsed.after = new Date(parseDay(value, operator).getTime() + dayMs);
        break;
      case 'has':
        if (value.toLowerCase() !== 'file') throw invalid('has: takes only `file`');
        parsed.hasFile = true;
        break;
    }
  }
  parsed.text = words.join(' ');
  return parsed;
}
