import { describe, expect, it } from 'vitest';
import type { Message } from './api-types';
import { buildRows, dividerIndex } from './message-rows';

const message = (seq: number, userId = 'ben'): Message =>
  ({
    id: `id${seq}`,
    seq,
    userId,
    username: userId,
    content: `m${seq}`,
    createdAt: new Date(2026, 0, 1, 12, 0, seq).toISOString(),
    deleted: false,
  }) as Message;

describe('buildRows', () => {
  it('puts join and leave lines after the message they followed, and the divider at the read mark', () => {
    const rows = buildRows(
      [message(1), message(2, 'me'), message(3), message(4)],
      [
        { key: 's1', kind: 'join', userId: 'cy', username: 'cy', afterSeq: 1 },
        { key: 's2', kind: 'leave', userId: 'cy', username: 'cy', afterSeq: 4 },
      ],
      1,
      'me',
    );
    expect(rows.map((row) => row.key)).toEqual([
      'm1',
      's1',
      'm2',
      'unread-divider',
      'm3',
      'm4',
      's2',
    ]);
    expect(dividerIndex(rows)).toBe(3);
  });

  it('has no divider when nothing from others is unread', () => {
    const rows = buildRows([message(1), message(2, 'me')], [], 1, 'me');
    expect(dividerIndex(rows)).toBe(-1);
    expect(dividerIndex(buildRows([message(1)], [], null, 'me'))).toBe(-1);
  });
});
