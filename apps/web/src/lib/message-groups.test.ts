import { describe, expect, it } from 'vitest';
import type { Message } from './api-types';
import { groupMessages } from './message-groups';
import { testMessage } from './test-message';

const at = (iso: string, userId: string, seq: number): Message =>
  testMessage(seq, { channelId: 'c', userId, username: userId, content: 'x', createdAt: iso });

describe('groupMessages', () => {
  it('starts a group when a webhook of the same user posts under its own name', () => {
    const own = at('2030-01-01T10:00:00', 'ann', 1);
    const hook = { ...at('2030-01-01T10:01:00', 'ann', 2), username: 'CI', webhookId: 'w' };
    expect(groupMessages([own, hook]).map((m) => m.startsGroup)).toEqual([true, true]);
  });

  it('starts a group for a new author or after a pause, and a day when the date changes', () => {
    const listed = groupMessages([
      at('2030-01-01T10:00:00', 'ann', 1),
      at('2030-01-01T10:01:00', 'ann', 2),
      at('2030-01-01T10:02:00', 'bob', 3),
      at('2030-01-01T10:30:00', 'bob', 4),
      at('2030-01-02T09:00:00', 'bob', 5),
    ]);
    expect(listed.map((m) => m.startsGroup)).toEqual([true, false, true, true, true]);
    expect(listed.map((m) => m.startsDay)).toEqual([true, false, false, false, true]);
  });
});
