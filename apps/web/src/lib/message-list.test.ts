import { describe, expect, it } from 'vitest';
import type { Message } from './api-types';
import {
  addMessages,
  addPending,
  emptyMessageList,
  failPending,
  hasOlder,
  latestSeq,
  mergeBySeq,
  type MessageList,
  type PendingMessage,
} from './message-list';
import { testMessage } from './test-message';

const message = testMessage;

const seqs = (messages: Message[]) => messages.map((m) => m.seq);

const pending = (clientMsgId: string): PendingMessage => ({
  clientMsgId,
  content: 'hi',
  createdAt: new Date().toISOString(),
  status: 'sending',
});

describe('mergeBySeq', () => {
  it('orders by seq whatever order messages arrive in', () => {
    expect(seqs(mergeBySeq([message(5)], [message(7), message(3), message(6)]))).toEqual([
      3, 5, 6, 7,
    ]);
  });

  it('keeps one message per seq when history and the live feed overlap', () => {
    const history = [message(1), message(2), message(3)];
    const live = [message(3), message(4)];
    expect(seqs(mergeBySeq(history, live))).toEqual([1, 2, 3, 4]);
  });

  it('returns the same array when nothing is new (no re-render)', () => {
    const messages = [message(1), message(2)];
    expect(mergeBySeq(messages, [message(2)])).toBe(messages);
    expect(mergeBySeq(messages, [])).toBe(messages);
  });

  it('takes an edit over the original, and keeps it against an older copy', () => {
    const edited = message(2, { content: 'fixed', editedAt: '2030-01-01T00:00:00.000Z' });
    const merged = mergeBySeq([message(1), message(2)], [edited]);
    expect(merged[1]?.content).toBe('fixed');
    expect(mergeBySeq(merged, [message(2)])[1]?.content).toBe('fixed');
  });

  it('keeps a deletion even when a stale copy arrives after it', () => {
    const deleted = message(2, { deleted: true, content: '' });
    const merged = mergeBySeq([message(2)], [deleted]);
    expect(merged[0]?.deleted).toBe(true);
    expect(mergeBySeq(merged, [message(2)])[0]?.deleted).toBe(true);
  });

  it('keeps the reactions of the larger version, whichever copy arrives last', () => {
    const thumbs = (userIds: string[]) => [{ emoji: '👍', count: userIds.length, userIds }];
    const v2 = message(2, { reactions: thumbs(['a', 'b']), reactionsVersion: 2 });
    const v1 = message(2, { reactions: thumbs(['a']), reactionsVersion: 1 });
    // a late event, and an edit read before the last reaction: neither takes the reactions back
    expect(mergeBySeq([v2], [v1])[0]?.reactions).toEqual(thumbs(['a', 'b']));
    const edit = { ...v1, content: 'fixed', editedAt: '2030-01-01T00:00:00.000Z' };
    const merged = mergeBySeq([v2], [edit])[0];
    expect([merged?.content, merged?.reactions, merged?.reactionsVersion]).toEqual([
      'fixed',
      thumbs(['a', 'b']),
      2,
    ]);
    expect(mergeBySeq([v1], [v2])[0]?.reactions).toEqual(thumbs(['a', 'b']));
  });
});

describe('pending messages', () => {
  it('confirms a pending message when its clientMsgId arrives', () => {
    let list: MessageList = addPending(emptyMessageList, pending('a'));
    list = addPending(list, pending('b'));
    list = addMessages(list, [message(1, { clientMsgId: 'a' })]);
    expect(list.pending.map((p) => p.clientMsgId)).toEqual(['b']);
    expect(seqs(list.messages)).toEqual([1]);
  });

  it('does not show a message twice when the feed confirms it before the send answers', () => {
    let list = addPending(emptyMessageList, pending('a'));
    list = addMessages(list, [message(1, { clientMsgId: 'a' })]); // live feed
    list = addMessages(list, [message(1, { clientMsgId: 'a' })]); // send's answer
    expect(list.pending).toEqual([]);
    expect(seqs(list.messages)).toEqual([1]);
  });

  it('does not re-add as pending a retry that was confirmed meanwhile', () => {
    const list = addMessages(emptyMessageList, [message(1, { clientMsgId: 'a' })]);
    expect(addPending(list, pending('a')).pending).toEqual([]);
  });

  it('marks a failed send, and a retry replaces it rather than adding a second', () => {
    let list = failPending(addPending(emptyMessageList, pending('a')), 'a');
    expect(list.pending[0]?.status).toBe('failed');
    list = addPending(list, pending('a'));
    expect(list.pending).toHaveLength(1);
    expect(list.pending[0]?.status).toBe('sending');
  });
});

describe('hasOlder and latestSeq', () => {
  it('knows older messages exist when the oldest held is above seq 1', () => {
    expect(hasOlder(addMessages(emptyMessageList, [message(51), message(52)]))).toBe(true);
    expect(hasOlder(addMessages(emptyMessageList, [message(1), message(2)]))).toBe(false);
    expect(hasOlder(emptyMessageList)).toBe(false);
  });

  it('gives the newest seq held', () => {
    expect(latestSeq(addMessages(emptyMessageList, [message(4), message(9), message(2)]))).toBe(9);
    expect(latestSeq(emptyMessageList)).toBeNull();
  });
});
