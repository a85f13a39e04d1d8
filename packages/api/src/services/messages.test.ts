import { randomUUID } from 'node:crypto';
import { schema } from '@chat/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  createTestDeps,
  createUser,
  postMessages,
  publishedSince,
  testDatabaseKinds,
  type TestDeps,
  type TestUser,
} from '../testing.js';
import * as channels from './channels.js';
import * as messages from './messages.js';
import { SendBatcher } from './send-batcher.js';
import type { Message } from './views.js';

const seqsOf = (items: Message[]) => items.map((m) => m.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(testDatabaseKinds())('messages service on %s', (kind) => {
  let deps: TestDeps;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  beforeAll(async () => {
    deps = await createTestDeps(kind);
    [alice, bob, carol] = await Promise.all([createUser(deps), createUser(deps), createUser(deps)]);
  });
  afterAll(() => deps.dispose());

  const send = (actor: TestUser, channelId: string, content: string, clientMsgId?: string) =>
    messages.sendMessage(deps, actor, { channelId, content, clientMsgId });

  const everything = async (actor: TestUser, channelId: string) =>
    (await messages.history(deps, actor, { channelId, limit: 100 })).items;

  describe('sendMessage', () => {
    it('numbers the messages of a channel 1, 2, 3… and keeps channels apart', async () => {
      const first = await createChannel(deps, alice, { memberIds: [bob.userId] });
      const second = await createChannel(deps, alice);
      await send(alice, first.id, 'one');
      await send(bob, first.id, 'two');
      await send(alice, second.id, 'elsewhere');
      const { message } = await send(alice, first.id, 'three');
      expect(message).toMatchObject({
        channelId: first.id,
        seq: 3,
        userId: alice.userId,
        username: alice.username,
        content: 'three',
        editedAt: null,
        deleted: false,
        clientMsgId: null,
        reactions: [],
        attachments: [],
      });
      expect(seqsOf(await everything(alice, first.id))).toEqual([1, 2, 3]);
      expect(seqsOf(await everything(alice, second.id))).toEqual([1]);
      await expect(channels.getChannel(deps, alice, first.id)).resolves.toMatchObject({
        lastSeq: 3,
      });
    });

    it('refuses an attachment that is no upload of the sender, without writing or numbering anything', async () => {
      const channel = await createChannel(deps, alice);
      await expect(
        messages.sendMessage(deps, alice, {
          channelId: channel.id,
          content: 'with a file',
          attachmentIds: [randomUUID()],
        }),
      ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      expect(await everything(alice, channel.id)).toEqual([]);
      await expect(channels.getChannel(deps, alice, channel.id)).resolves.toMatchObject({
        lastSeq: 0,
      });
    });

    it('gives 100 concurrent sends from several users the seqs 1..100, with no gap and no duplicate', async () => {
      const senders = [alice, bob, carol];
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId, carol.userId] });
      const results = await Promise.all(
        range(1, 100).map((i) =>
          send(senders[i % senders.length] as TestUser, channel.id, `burst ${i}`),
        ),
      );
      expect(results.every((r) => r.created)).toBe(true);
      expect(results.map((r) => r.message.seq).sort((a, b) => a - b)).toEqual(range(1, 100));
      const stored = await everything(alice, channel.id);
      expect(seqsOf(stored)).toEqual(range(1, 100));
      expect(new Set(stored.map((m) => m.content)).size).toBe(100);
      await expect(channels.getChannel(deps, alice, channel.id)).resolves.toMatchObject({
        lastSeq: 100,
      });
    });

    it('answers a repeated clientMsgId with the first message, without storing another', async () => {
      const channel = await createChannel(deps, alice);
      const first = await send(alice, channel.id, 'hello', 'client-1');
      const again = await send(alice, channel.id, 'hello (retry)', 'client-1');
      expect(first.created).toBe(true);
      expect(again).toEqual({ message: first.message, created: false });
      expect(await everything(alice, channel.id)).toEqual([first.message]);
    });

    it('publishes the first message again on a retry (its first publish may have died with an instance)', async () => {
      const channel = await createChannel(deps, alice);
      const first = await send(alice, channel.id, 'hello', 'client-republish');
      const mark = deps.published.length;
      await send(alice, channel.id, 'hello (retry)', 'client-republish');
      expect(publishedSince(deps, mark)).toEqual([
        { type: 'message', channelId: channel.id, message: first.message },
      ]);
    });

    it('stores one message for 10 concurrent sends with the same clientMsgId, and returns it to all', async () => {
      const channel = await createChannel(deps, alice);
      await send(alice, channel.id, 'before');
      const mark = deps.published.length;
      const results = await Promise.all(
        range(1, 10).map(() => send(alice, channel.id, 'once', 'client-burst')),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const ids = new Set(results.map((r) => r.message.id));
      expect(ids.size).toBe(1);
      expect(results.every((r) => r.message.seq === 2)).toBe(true);
      const stored = await everything(alice, channel.id);
      expect(stored.map((m) => [m.seq, m.clientMsgId])).toEqual([
        [1, null],
        [2, 'client-burst'],
      ]);
      // every publish (the first, and the retries' again) carries the one stored message
      const published = publishedSince(deps, mark).filter((e) => e.type === 'message');
      expect(new Set(published.map((e) => e.type === 'message' && e.message.id))).toEqual(ids);
      // the sends that lost the race left no hole behind
      expect((await send(alice, channel.id, 'after')).message.seq).toBe(3);
    });

    it('keeps the clientMsgIds of different users apart', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      const fromAlice = await send(alice, channel.id, 'from alice', 'shared-id');
      const fromBob = await send(bob, channel.id, 'from bob', 'shared-id');
      expect(fromBob.created).toBe(true);
      expect(fromBob.message.id).not.toBe(fromAlice.message.id);
      expect(seqsOf(await everything(alice, channel.id))).toEqual([1, 2]);
    });

    it('forbids sending to a public channel the caller has not joined, and publishes nothing', async () => {
      const channel = await createChannel(deps, alice);
      const mark = deps.published.length;
      await expect(send(carol, channel.id, 'let me in')).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(publishedSince(deps, mark)).toEqual([]);
      await expect(channels.getChannel(deps, alice, channel.id)).resolves.toMatchObject({
        lastSeq: 0,
      });
    });

    it('answers NOT_FOUND for a private channel the caller is not in, and for an unknown one', async () => {
      const channel = await createChannel(deps, alice, { isPrivate: true });
      await expect(send(carol, channel.id, 'hi')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(send(carol, randomUUID(), 'hi')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('publishes the full message, once it is committed', async () => {
      const channel = await createChannel(deps, alice);
      const seenAtPublish: number[] = [];
      // reads the message back through the pool while the event is published: on Postgres a
      // still-open transaction would hide it; on PGlite it would never let this query run
      let published!: () => void;
      const observed = new Promise<void>((resolve) => (published = resolve));
      const observing = {
        ...deps,
        sends: new SendBatcher({
          db: deps.db,
          lookup: messages.messagesByIds,
          fileUrls: deps.files.urls,
          publish: async (event) => {
            if (event.type === 'message') {
              const rows = await deps.db
                .select({ id: schema.messages.id })
                .from(schema.messages)
                .where(eq(schema.messages.id, event.message.id));
              seenAtPublish.push(rows.length);
            }
            await deps.events.publish(event);
            published();
          },
        }),
      };
      const mark = deps.published.length;
      const { message } = await messages.sendMessage(observing, alice, {
        channelId: channel.id,
        content: 'committed',
        clientMsgId: 'c-1',
      });
      await observed;
      await observing.sends.close();
      expect(seenAtPublish).toEqual([1]);
      expect(publishedSince(deps, mark)).toEqual([
        { type: 'message', channelId: channel.id, message },
      ]);
    });

    it('marks what the sender wrote as read by them', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      await send(bob, channel.id, 'hi');
      await send(alice, channel.id, 'hello');
      await expect(channels.getChannel(deps, alice, channel.id)).resolves.toMatchObject({
        lastReadSeq: 2,
        unreadCount: 0,
      });
    });
  });

  describe('history', () => {
    let channelId: string;
    beforeAll(async () => {
      const channel = await createChannel(deps, alice);
      channelId = channel.id;
      await postMessages(deps, alice, channelId, 10);
    });

    const page = (input: { limit: number; before?: number; after?: number }) =>
      messages.history(deps, alice, { channelId, ...input });

    it('gives the newest messages, ascending, without a cursor', async () => {
      const result = await page({ limit: 3 });
      expect(seqsOf(result.items)).toEqual([8, 9, 10]);
      expect(result.items.map((m) => m.content)).toEqual(['message 8', 'message 9', 'message 10']);
      expect(result.hasMore).toBe(true);
      await expect(page({ limit: 10 })).resolves.toMatchObject({ hasMore: false });
      expect(seqsOf((await page({ limit: 50 })).items)).toEqual(range(1, 10));
    });

    it('gives the newest messages below `before`, ascending', async () => {
      const result = await page({ limit: 3, before: 8 });
      expect(seqsOf(result.items)).toEqual([5, 6, 7]);
      expect(result.hasMore).toBe(true);
      const oldest = await page({ limit: 3, before: 3 });
      expect(seqsOf(oldest.items)).toEqual([1, 2]);
      expect(oldest.hasMore).toBe(false);
      await expect(page({ limit: 3, before: 1 })).resolves.toEqual({ items: [], hasMore: false });
    });

    it('gives the oldest messages above `after`, ascending', async () => {
      const result = await page({ limit: 3, after: 0 });
      expect(seqsOf(result.items)).toEqual([1, 2, 3]);
      expect(result.hasMore).toBe(true);
      const newest = await page({ limit: 3, after: 7 });
      expect(seqsOf(newest.items)).toEqual([8, 9, 10]);
      expect(newest.hasMore).toBe(false);
      await expect(page({ limit: 3, after: 10 })).resolves.toEqual({ items: [], hasMore: false });
    });

    it('walks the whole history backwards and forwards with no gap', async () => {
      const backwards: number[] = [];
      let before: number | undefined;
      for (;;) {
        const result: messages.History = await page({ limit: 4, before });
        backwards.unshift(...seqsOf(result.items));
        if (!result.hasMore) break;
        before = result.items[0]?.seq;
      }
      expect(backwards).toEqual(range(1, 10));
      const forwards: number[] = [];
      let after = 0;
      for (;;) {
        const result: messages.History = await page({ limit: 4, after });
        forwards.push(...seqsOf(result.items));
        if (!result.hasMore) break;
        after = result.items.at(-1)?.seq ?? after;
      }
      expect(forwards).toEqual(range(1, 10));
    });

    it('lets a non-member read a public channel', async () => {
      const result = await messages.history(deps, carol, { channelId, limit: 2 });
      expect(seqsOf(result.items)).toEqual([9, 10]);
    });

    it('answers NOT_FOUND to a non-member of a private channel', async () => {
      const secret = await createChannel(deps, alice, { isPrivate: true });
      await send(alice, secret.id, 'secret');
      await expect(
        messages.history(deps, carol, { channelId: secret.id, limit: 10 }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });

  describe('editMessage', () => {
    it('lets the author change the content, sets editedAt and publishes the update', async () => {
      const channel = await createChannel(deps, alice);
      const { message } = await send(alice, channel.id, 'draft');
      const mark = deps.published.length;
      const edited = await messages.editMessage(deps, alice, {
        messageId: message.id,
        content: 'final',
      });
      expect(edited).toMatchObject({
        id: message.id,
        seq: message.seq,
        content: 'final',
        deleted: false,
      });
      expect(edited.editedAt).toEqual(expect.any(String));
      expect(Date.parse(edited.editedAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(message.createdAt),
      );
      expect(await everything(alice, channel.id)).toEqual([edited]);
      expect(publishedSince(deps, mark)).toEqual([
        { type: 'message_updated', channelId: channel.id, message: edited },
      ]);
    });

    it('forbids anyone else to edit, the channel creator included', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      const { message } = await send(bob, channel.id, 'mine');
      await expect(
        messages.editMessage(deps, alice, { messageId: message.id, content: 'yours' }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect((await everything(bob, channel.id)).map((m) => m.content)).toEqual(['mine']);
    });

    it('answers NOT_FOUND for an unknown message and for one in a private channel of others', async () => {
      const secret = await createChannel(deps, alice, { isPrivate: true });
      const { message } = await send(alice, secret.id, 'secret');
      await expect(
        messages.editMessage(deps, carol, { messageId: message.id, content: 'x' }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(
        messages.editMessage(deps, alice, { messageId: randomUUID(), content: 'x' }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });

  describe('deleteMessage', () => {
    it('lets the author delete: the seq stays, the content goes', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      await postMessages(deps, bob, channel.id, 3);
      const [, middle] = await everything(bob, channel.id);
      if (!middle) throw new Error('no second message');
      const mark = deps.published.length;
      await messages.deleteMessage(deps, bob, middle.id);
      const stored = await everything(bob, channel.id);
      expect(seqsOf(stored)).toEqual([1, 2, 3]);
      expect(stored[1]).toMatchObject({ id: middle.id, seq: 2, content: '', deleted: true });
      expect(publishedSince(deps, mark)).toEqual([
        { type: 'message_deleted', channelId: channel.id, message: stored[1] },
      ]);
      expect((await send(bob, channel.id, 'next')).message.seq).toBe(4);
    });

    it("lets the channel's creator delete someone else's message", async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      const { message } = await send(bob, channel.id, 'rude');
      await messages.deleteMessage(deps, alice, message.id);
      expect(await everything(alice, channel.id)).toEqual([
        expect.objectContaining({ id: message.id, content: '', deleted: true }),
      ]);
    });

    it('forbids other members to delete', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId, carol.userId] });
      const { message } = await send(bob, channel.id, 'keep');
      await expect(messages.deleteMessage(deps, carol, message.id)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(await everything(alice, channel.id)).toEqual([message]);
    });

    it('gives nobody in a DM power over the messages of the others', async () => {
      const dm = await channels.openDm(deps, alice, { userIds: [bob.userId] });
      const { message } = await send(bob, dm.id, 'between us');
      await expect(messages.deleteMessage(deps, alice, message.id)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await messages.deleteMessage(deps, bob, message.id);
      expect(await everything(alice, dm.id)).toEqual([expect.objectContaining({ deleted: true })]);
    });

    it('is idempotent and refuses to edit a deleted message', async () => {
      const channel = await createChannel(deps, alice);
      const { message } = await send(alice, channel.id, 'gone');
      await messages.deleteMessage(deps, alice, message.id);
      const mark = deps.published.length;
      await expect(messages.deleteMessage(deps, alice, message.id)).resolves.toBeUndefined();
      expect(publishedSince(deps, mark)).toEqual([]);
      await expect(
        messages.editMessage(deps, alice, { messageId: message.id, content: 'back' }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });

  describe('markRead', () => {
    it('moves the read mark forward, never backwards and never past the last message', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      await postMessages(deps, alice, channel.id, 5);
      await expect(
        messages.markRead(deps, bob, { channelId: channel.id, seq: 3 }),
      ).resolves.toEqual({ lastReadSeq: 3 });
      await expect(
        messages.markRead(deps, bob, { channelId: channel.id, seq: 1 }),
      ).resolves.toEqual({ lastReadSeq: 3 });
      await expect(
        messages.markRead(deps, bob, { channelId: channel.id, seq: 1000 }),
      ).resolves.toEqual({
        lastReadSeq: 5,
      });
      await expect(channels.getChannel(deps, bob, channel.id)).resolves.toMatchObject({
        lastReadSeq: 5,
        unreadCount: 0,
      });
    });

    it('publishes the read mark', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      await postMessages(deps, alice, channel.id, 2);
      const mark = deps.published.length;
      await messages.markRead(deps, bob, { channelId: channel.id, seq: 2 });
      expect(publishedSince(deps, mark)).toEqual([
        { type: 'read', channelId: channel.id, userId: bob.userId, seq: 2 },
      ]);
    });

    it('forbids a non-member of a public channel, and hides a private one', async () => {
      const open = await createChannel(deps, alice);
      const secret = await createChannel(deps, alice, { isPrivate: true });
      await expect(
        messages.markRead(deps, carol, { channelId: open.id, seq: 1 }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(
        messages.markRead(deps, carol, { channelId: secret.id, seq: 1 }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });

  describe('unread and mention counts', () => {
    it("counts others' live messages after the read mark, not the caller's own nor deleted ones", async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      await postMessages(deps, alice, channel.id, 3);
      const deleted = await send(alice, channel.id, `@${bob.username} deleted`);
      await messages.deleteMessage(deps, alice, deleted.message.id);
      await expect(channels.getChannel(deps, bob, channel.id)).resolves.toMatchObject({
        lastSeq: 4,
        lastReadSeq: 0,
        unreadCount: 3,
        mentionCount: 0,
      });
      await messages.markRead(deps, bob, { channelId: channel.id, seq: 2 });
      await send(alice, channel.id, `@${bob.username} are you there?`);
      await expect(channels.getChannel(deps, bob, channel.id)).resolves.toMatchObject({
        unreadCount: 2,
        mentionCount: 1,
      });
      const listed = (await channels.listChannels(deps, bob, { limit: 100 })).items;
      expect(listed.find((c) => c.id === channel.id)).toMatchObject({
        unreadCount: 2,
        mentionCount: 1,
      });
      // writing reads everything before: bob's own message clears both counts
      await send(bob, channel.id, `yes, @${bob.username} is here`);
      await expect(channels.getChannel(deps, bob, channel.id)).resolves.toMatchObject({
        lastReadSeq: 6,
        unreadCount: 0,
        mentionCount: 0,
      });
    });

    /** bob's mentionCount after alice posts `content` (`@me` stands for bob's username). */
    async function mentionsOfBob(content: string) {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      await send(alice, channel.id, content.replaceAll('@me', `@${bob.username}`));
      return (await channels.getChannel(deps, bob, channel.id)).mentionCount;
    }

    it.each([
      ['@me hello', 1],
      ['hey @me, look', 1],
      ['see you @me.', 1],
      ['(@me)', 1],
      ['@me', 1],
      ['ping @me!', 1],
      ['@me @me twice in one message', 1],
    ])('counts %j as a mention', async (content, count) => {
      expect(await mentionsOfBob(content)).toBe(count);
    });

    it('counts a mention whatever the case of the name', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      await send(alice, channel.id, `@${bob.username.toUpperCase()} shouting`);
      await expect(channels.getChannel(deps, bob, channel.id)).resolves.toMatchObject({
        mentionCount: 1,
      });
    });

    it.each([
      ['@mex is someone else'],
      ['@me.smith is someone else too'],
      ['@me-smith as well'],
      ['@me_smith as well'],
      ['mail@me is an address'],
      ['no mention at all'],
      ['me without the at sign'],
    ])('does not count %j as a mention', async (content) => {
      expect(await mentionsOfBob(content)).toBe(0);
    });
  });
});
