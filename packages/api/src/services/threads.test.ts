import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  createTestDeps,
  createUser,
  publishedSince,
  testDatabaseKinds,
  type TestDeps,
  type TestUser,
} from '../testing.js';
import * as channels from './channels.js';
import * as messages from './messages.js';
import * as threads from './threads.js';
import type { Message } from './views.js';

const seqsOf = (items: Message[]) => items.map((m) => m.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(testDatabaseKinds())('threads service on %s', (kind) => {
  let deps: TestDeps;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let outsider: TestUser;
  beforeAll(async () => {
    deps = await createTestDeps(kind);
    [alice, bob, carol, outsider] = await Promise.all([
      createUser(deps),
      createUser(deps),
      createUser(deps),
      createUser(deps),
    ]);
  });
  afterAll(() => deps.dispose());

  const send = (actor: TestUser, channelId: string, content: string, parentId?: string) =>
    messages.sendMessage(deps, actor, { channelId, content, parentId });
  const post = async (actor: TestUser, channelId: string, content: string, parentId?: string) =>
    (await send(actor, channelId, content, parentId)).message;
  const channelOfThree = () =>
    createChannel(deps, alice, { memberIds: [bob.userId, carol.userId] });
  const readThread = (
    actor: TestUser,
    messageId: string,
    page: { limit?: number; after?: number } = {},
  ) => threads.thread(deps, actor, { messageId, limit: page.limit ?? 100, after: page.after });
  const everything = async (channelId: string, topLevel?: boolean) =>
    (await messages.history(deps, alice, { channelId, limit: 100, topLevel })).items;

  describe('replying', () => {
    it("gives a reply the channel's next seq and counts it into its root, in the same commit", async () => {
      const channel = await channelOfThree();
      const root = await post(alice, channel.id, 'root');
      const mark = deps.published.length;
      const reply = await post(bob, channel.id, 'reply', root.id);
      expect(reply).toMatchObject({ seq: 2, parentId: root.id, replyCount: 0, replyUserIds: [] });

      const { root: after } = await readThread(alice, root.id);
      expect(after).toMatchObject({
        id: root.id,
        parentId: null,
        replyCount: 1,
        lastReplyAt: reply.createdAt,
        replyUserIds: [bob.userId],
      });
      // the reply first, then its root as it now stands
      expect(publishedSince(deps, mark)).toEqual([
        { type: 'message', channelId: channel.id, message: reply },
        { type: 'message_updated', channelId: channel.id, message: after },
      ]);
      await expect(channels.getChannel(deps, alice, channel.id)).resolves.toMatchObject({
        lastSeq: 2,
      });
    });

    it('attaches a reply to a reply to the root', async () => {
      const channel = await channelOfThree();
      const root = await post(alice, channel.id, 'root');
      const first = await post(bob, channel.id, 'first', root.id);
      const second = await post(carol, channel.id, 'to the first', first.id);
      expect(second.parentId).toBe(root.id);
      const page = await readThread(alice, root.id);
      expect(page.items.map((m) => m.id)).toEqual([first.id, second.id]);
      expect(page.root.replyCount).toBe(2);
      // the reply itself stays without a thread of its own
      expect(page.items[0]).toMatchObject({ replyCount: 0, lastReplyAt: null, replyUserIds: [] });
    });

    it('lists the five most recent distinct repliers, newest first', async () => {
      const channel = await createChannel(deps, alice);
      const people = await Promise.all(range(1, 6).map(() => createUser(deps)));
      for (const person of people) await channels.joinChannel(deps, person, channel.id);
      const root = await post(alice, channel.id, 'root');
      for (const person of people) await post(person, channel.id, 'hi', root.id);
      await post(people[1] as TestUser, channel.id, 'again', root.id);
      const { root: after } = await readThread(alice, root.id);
      const ids = people.map((p) => p.userId);
      expect(after.replyUserIds).toEqual([ids[1], ids[5], ids[4], ids[3], ids[2]]);
      expect(after.replyCount).toBe(7);
    });

    it('counts a reply repeated with its clientMsgId once', async () => {
      const channel = await channelOfThree();
      const root = await post(alice, channel.id, 'root');
      const input = {
        channelId: channel.id,
        content: 'once',
        parentId: root.id,
        clientMsgId: 'r-1',
      };
      const first = await messages.sendMessage(deps, bob, input);
      const again = await messages.sendMessage(deps, bob, input);
      expect(again).toEqual({ message: first.message, created: false });
      expect((await readThread(alice, root.id)).root.replyCount).toBe(1);
    });

    it('keeps the exact count for 60 concurrent replies from three users, with seqs gap-free', async () => {
      const senders = [alice, bob, carol];
      const channel = await channelOfThree();
      const root = await post(alice, channel.id, 'root');
      const replies = await Promise.all(
        range(1, 60).map((i) => post(senders[i % 3] as TestUser, channel.id, `r${i}`, root.id)),
      );
      expect(replies.map((r) => r.seq).sort((a, b) => a - b)).toEqual(range(2, 61));
      const page = await readThread(alice, root.id);
      expect(page.root.replyCount).toBe(60);
      expect(seqsOf(page.items)).toEqual(range(2, 61));
      const newest = replies.reduce((a, b) => (a.seq > b.seq ? a : b));
      // createdAt is each transaction's start, so the latest need not have the highest seq
      const latest = replies
        .map((r) => r.createdAt)
        .sort()
        .at(-1);
      expect(page.root.lastReplyAt).toBe(latest);
      expect(page.root.replyUserIds[0]).toBe(newest.userId);
      expect([...page.root.replyUserIds].sort()).toEqual(senders.map((s) => s.userId).sort());
      expect(seqsOf(await everything(channel.id))).toEqual(range(1, 61));
    });

    it('counts the replies of one batch to several roots in one go, announcing each root after them', async () => {
      const channel = await channelOfThree();
      const other = await channelOfThree();
      const roots = [await post(alice, channel.id, 'one'), await post(alice, other.id, 'two')];
      const mark = deps.published.length;
      const replies = await Promise.all(
        range(1, 40).map((i) => {
          const root = roots[i % 2] as Message;
          return post([bob, carol][i % 2] as TestUser, root.channelId, `r${i}`, root.id);
        }),
      );
      const events = publishedSince(deps, mark);
      for (const root of roots) {
        const counts = events.flatMap((event) =>
          event.type === 'message_updated' && event.message.id === root.id
            ? [event.message.replyCount]
            : [],
        );
        // one announcement per batch, in commit order, the last one with every reply
        expect(counts.every((count, i) => i === 0 || count > (counts[i - 1] as number))).toBe(true);
        expect(counts.at(-1)).toBe(20);
        expect((await readThread(alice, root.id)).root.replyCount).toBe(20);
        // and each announcement follows the replies it counts
        const lastReply = events.findLastIndex(
          (event) => event.type === 'message' && event.message.parentId === root.id,
        );
        const lastUpdate = events.findLastIndex(
          (event) => event.type === 'message_updated' && event.message.id === root.id,
        );
        expect(lastUpdate).toBeGreaterThan(lastReply);
      }
      expect(replies.every((reply) => reply.parentId !== null)).toBe(true);
    });

    it('refuses a parent that is unknown, deleted, of another channel or invisible, writing nothing', async () => {
      const channel = await channelOfThree();
      const other = await createChannel(deps, alice);
      const secret = await createChannel(deps, outsider, { isPrivate: true });
      const elsewhere = await post(alice, other.id, 'elsewhere');
      const hidden = await post(outsider, secret.id, 'hidden');
      const gone = await post(alice, channel.id, 'gone');
      await messages.deleteMessage(deps, alice, gone.id);
      const mark = deps.published.length;
      const cases: [string, string][] = [
        [randomUUID(), 'NOT_FOUND'],
        [gone.id, 'NOT_FOUND'],
        [hidden.id, 'NOT_FOUND'],
        [elsewhere.id, 'BAD_REQUEST'],
      ];
      for (const [parentId, code] of cases)
        await expect(send(alice, channel.id, 'reply', parentId)).rejects.toMatchObject({ code });
      // an outsider replying into the private channel learns nothing either
      await expect(send(alice, secret.id, 'reply', hidden.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(publishedSince(deps, mark)).toEqual([]);
      expect(seqsOf(await everything(channel.id))).toEqual([1]);
      await expect(channels.getChannel(deps, alice, channel.id)).resolves.toMatchObject({
        lastSeq: 1,
      });
    });

    it('lets only members reply, as for any message', async () => {
      const channel = await createChannel(deps, alice);
      const root = await post(alice, channel.id, 'root');
      await expect(send(outsider, channel.id, 'reply', root.id)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect((await readThread(alice, root.id)).root.replyCount).toBe(0);
    });
  });

  describe('thread', () => {
    it('pages the replies forward from the oldest, ascending by seq', async () => {
      const channel = await channelOfThree();
      const root = await post(alice, channel.id, 'root');
      await post(alice, channel.id, 'not in the thread');
      for (let i = 1; i <= 5; i++) await post(bob, channel.id, `r${i}`, root.id);
      const first = await readThread(carol, root.id, { limit: 2 });
      expect(first.root.id).toBe(root.id);
      expect(first.items.map((m) => m.content)).toEqual(['r1', 'r2']);
      expect(first.hasMore).toBe(true);
      const rest = await readThread(carol, root.id, { limit: 10, after: first.items[1]?.seq });
      expect(rest.items.map((m) => m.content)).toEqual(['r3', 'r4', 'r5']);
      expect(rest.hasMore).toBe(false);
    });

    it('opens the thread of the root from one of its replies', async () => {
      const channel = await channelOfThree();
      const root = await post(alice, channel.id, 'root');
      const reply = await post(bob, channel.id, 'reply', root.id);
      const page = await readThread(alice, reply.id);
      expect(page.root.id).toBe(root.id);
      expect(page.items.map((m) => m.id)).toEqual([reply.id]);
    });

    it('shows a public thread to a non-member and hides a private one as NOT_FOUND', async () => {
      const open = await createChannel(deps, alice);
      const secret = await createChannel(deps, alice, { isPrivate: true, memberIds: [bob.userId] });
      const openRoot = await post(alice, open.id, 'open');
      const secretRoot = await post(alice, secret.id, 'secret');
      const secretReply = await post(bob, secret.id, 'reply', secretRoot.id);
      await expect(readThread(outsider, openRoot.id)).resolves.toMatchObject({ items: [] });
      for (const id of [secretRoot.id, secretReply.id, randomUUID()])
        await expect(readThread(outsider, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(readThread(bob, secretRoot.id)).resolves.toMatchObject({
        items: [{ id: secretReply.id }],
      });
    });
  });

  describe('history with topLevel', () => {
    it('leaves replies out, in every direction, while plain history keeps them', async () => {
      const channel = await channelOfThree();
      const a = await post(alice, channel.id, 'a'); // 1
      await post(bob, channel.id, 'a1', a.id); // 2
      const b = await post(alice, channel.id, 'b'); // 3
      await post(bob, channel.id, 'b1', b.id); // 4
      await post(carol, channel.id, 'c'); // 5
      const history = (input: { before?: number; after?: number; limit?: number }) =>
        messages.history(deps, alice, {
          channelId: channel.id,
          limit: input.limit ?? 100,
          ...input,
          topLevel: true,
        });
      expect(seqsOf(await everything(channel.id))).toEqual([1, 2, 3, 4, 5]);
      expect(seqsOf(await everything(channel.id, true))).toEqual([1, 3, 5]);
      await expect(history({ limit: 2 })).resolves.toMatchObject({ hasMore: true });
      expect(seqsOf((await history({ limit: 2 })).items)).toEqual([3, 5]);
      expect(seqsOf((await history({ before: 3 })).items)).toEqual([1]);
      expect(seqsOf((await history({ after: 1, limit: 1 })).items)).toEqual([3]);
      // a root carries its thread's summary in the channel's history
      expect((await everything(channel.id, true))[0]).toMatchObject({ replyCount: 1 });
    });
  });
});
