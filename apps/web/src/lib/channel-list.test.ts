import { describe, expect, it } from 'vitest';
import type { Channel, Message } from './api-types';
import { afterMessage, afterRead, sidebarSections } from './channel-list';
import { testMessage } from './test-message';

function channel(overrides: Partial<Channel> = {}): Channel {
  return {
    id: 'c1',
    name: 'general',
    kind: 'channel',
    isPrivate: false,
    topic: null,
    createdBy: null,
    createdAt: '2030-01-01T00:00:00.000Z',
    memberCount: 2,
    isMember: true,
    lastSeq: 10,
    lastReadSeq: 10,
    unreadCount: 0,
    mentionCount: 0,
    ...overrides,
  };
}

const message = (seq: number, overrides: Partial<Message> = {}): Message =>
  testMessage(seq, {
    userId: 'other',
    username: 'bob',
    content: 'hello',
    createdAt: '2030-01-01T00:00:00.000Z',
    ...overrides,
  });

const viewer = { userId: 'me', username: 'ann', reading: false };

describe('sidebarSections', () => {
  it('splits joined channels, DMs and public channels to join, channels by name', () => {
    const sections = sidebarSections([
      channel({ id: 'z', name: 'zeta' }),
      channel({ id: 'a', name: 'alpha' }),
      channel({ id: 'd', name: null, kind: 'dm', isPrivate: true }),
      channel({ id: 'p', name: 'public', isMember: false }),
    ]);
    expect(sections.channels.map((c) => c.id)).toEqual(['a', 'z']);
    expect(sections.directMessages.map((c) => c.id)).toEqual(['d']);
    expect(sections.more.map((c) => c.id)).toEqual(['p']);
  });
});

describe('afterMessage', () => {
  it('counts a new message from someone else as unread', () => {
    const next = afterMessage(channel(), message(11), viewer);
    expect(next).toMatchObject({ lastSeq: 11, unreadCount: 1, mentionCount: 0 });
  });

  it('counts a mention of the user', () => {
    expect(afterMessage(channel(), message(11, { content: 'hey @ann' }), viewer).mentionCount).toBe(
      1,
    );
  });

  it('does not count the user’s own message, or one they are reading', () => {
    expect(afterMessage(channel(), message(11, { userId: 'me' }), viewer).unreadCount).toBe(0);
    expect(afterMessage(channel(), message(11), { ...viewer, reading: true }).unreadCount).toBe(0);
  });

  it('does not count again what the list already counted (a resumed feed)', () => {
    const listed = channel({ lastSeq: 12, unreadCount: 2 });
    expect(afterMessage(listed, message(12), viewer)).toBe(listed);
  });

  it('moves only lastSeq of a channel the user has not joined', () => {
    const next = afterMessage(
      channel({ isMember: false, lastReadSeq: undefined, unreadCount: undefined }),
      message(11),
      viewer,
    );
    expect(next.lastSeq).toBe(11);
    expect(next.unreadCount).toBeUndefined();
  });
});

describe('afterRead', () => {
  it('clears the counters when read to the end', () => {
    const next = afterRead(channel({ lastSeq: 12, unreadCount: 2, mentionCount: 1 }), 12);
    expect(next).toMatchObject({ lastReadSeq: 12, unreadCount: 0, mentionCount: 0 });
  });

  it('never moves the read mark back', () => {
    const read = channel({ lastReadSeq: 10 });
    expect(afterRead(read, 5)).toBe(read);
  });
});
