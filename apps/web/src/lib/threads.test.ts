import { describe, expect, it } from 'vitest';
import { addMessages, emptyMessageList, mergeBySeq, replaceHeld } from './message-list';
import { isTopLevel, replySummary, threadReplies, threadRootId, timeAgo } from './threads';
import { testMessage } from './test-message';

const message = testMessage;

const now = Date.parse('2026-12-01T12:00:00.000Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('thread summaries', () => {
  it('says nothing for a message without replies, and counts the rest', () => {
    expect(replySummary(message(1), now)).toBeNull();
    expect(replySummary(message(1, { replyCount: 1, lastReplyAt: ago(0) }), now)).toBe('1 reply');
    expect(replySummary(message(1, { replyCount: 4, lastReplyAt: ago(5 * 60_000) }), now)).toBe(
      '4 replies · last reply 5 min ago',
    );
  });

  it('tells how long ago in the largest whole unit', () => {
    expect(timeAgo(ago(20_000), now)).toBe('just now');
    expect(timeAgo(ago(59 * 60_000), now)).toBe('59 min ago');
    expect(timeAgo(ago(3 * 3_600_000 + 1), now)).toBe('3 h ago');
    expect(timeAgo(ago(26 * 3_600_000), now)).toBe('1 day ago');
    expect(timeAgo(ago(3 * 86_400_000), now)).toBe('3 days ago');
  });
});

describe('threads in the message lists', () => {
  const root = message(1);
  const reply = (seq: number) => message(seq, { parentId: root.id });

  it('tells replies from top-level messages, and finds the root of either', () => {
    expect([root, reply(2), message(3)].filter(isTopLevel).map((m) => m.seq)).toEqual([1, 3]);
    expect(threadRootId(root)).toBe(root.id);
    expect(threadRootId(reply(2))).toBe(root.id);
  });

  it("merges a thread's fetched replies with its live ones, and no other message", () => {
    const live = [reply(3), message(4), reply(5), message(6, { parentId: 'm99' })];
    expect(threadReplies([reply(2), reply(3)], live, root.id).map((m) => m.seq)).toEqual([2, 3, 5]);
  });

  it('updates only the messages held, so an old root announced live opens no gap', () => {
    const list = addMessages(emptyMessageList, [message(80), message(81)]);
    const updated = replaceHeld(list, [
      message(5, { replyCount: 1 }),
      message(80, { replyCount: 2 }),
    ]);
    expect(updated.messages.map((m) => [m.seq, m.replyCount])).toEqual([
      [80, 2],
      [81, 0],
    ]);
    expect(replaceHeld(list, [message(5)])).toBe(list);
  });

  it("keeps a root's larger thread when an older announcement arrives late", () => {
    const newer = message(1, { replyCount: 3 });
    const late = message(1, { replyCount: 2 });
    expect(mergeBySeq([newer], [late])).toEqual([newer]);
    expect(mergeBySeq([late], [newer])).toEqual([newer]);
  });
});
