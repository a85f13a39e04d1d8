// Reactions, pins and channel topics on PGlite and on Postgres.
import { randomUUID } from 'node:crypto';
import { schema } from '@chat/db';
import { countingDatabase } from '@chat/db/testing';
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
import { updateChannelBody } from '../schemas/index.js';
import { updateChannel } from './channel-updates.js';
import * as channels from './channels.js';
import * as messages from './messages.js';
import { listPins, setPin } from './pins.js';
import { react } from './reactions.js';

describe.each(testDatabaseKinds())('reactions, pins and topics on %s', (kind) => {
  let deps: TestDeps;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  beforeAll(async () => {
    deps = await createTestDeps(kind);
    [alice, bob, carol] = await Promise.all([createUser(deps), createUser(deps), createUser(deps)]);
  });
  afterAll(() => deps.dispose());

  /** A channel of alice and bob with one message of alice's. */
  async function scene(options: { isPrivate?: boolean } = {}) {
    const channel = await createChannel(deps, alice, { memberIds: [bob.userId], ...options });
    const [message] = await postMessages(deps, alice, channel.id, 1);
    if (!message) throw new Error('no message');
    return { channel, message };
  }

  const reactionRows = (messageId: string) =>
    deps.db
      .select()
      .from(schema.messageReactions)
      .where(eq(schema.messageReactions.messageId, messageId));

  describe('reactions', () => {
    it('adds and removes idempotently, announcing each change with the reactions after it', async () => {
      const { channel, message } = await scene();
      const mark = deps.published.length;
      const add = (actor: TestUser, emoji = '👍') =>
        react(deps, actor, { messageId: message.id, emoji, op: 'add' });
      expect((await add(alice)).reactions).toEqual([
        { emoji: '👍', count: 1, userIds: [alice.userId] },
      ]);
      expect((await add(alice)).reactions).toEqual([
        { emoji: '👍', count: 1, userIds: [alice.userId] },
      ]);
      const both = await add(bob);
      expect(both.reactions).toEqual([
        { emoji: '👍', count: 2, userIds: [alice.userId, bob.userId] },
      ]);
      expect((await add(bob, '🎉')).reactions.map((r) => r.emoji)).toEqual(['👍', '🎉']);
      const removed = await react(deps, alice, {
        messageId: message.id,
        emoji: '👍',
        op: 'remove',
      });
      expect(removed.reactions).toEqual([
        { emoji: '👍', count: 1, userIds: [bob.userId] },
        { emoji: '🎉', count: 1, userIds: [bob.userId] },
      ]);
      await react(deps, alice, { messageId: message.id, emoji: '👍', op: 'remove' });
      const events = publishedSince(deps, mark);
      // the repeated add and the repeated remove changed nothing and announced nothing
      expect(events.map((e) => e.type === 'reaction' && [e.userId, e.op, e.emoji])).toEqual([
        [alice.userId, 'add', '👍'],
        [bob.userId, 'add', '👍'],
        [bob.userId, 'add', '🎉'],
        [alice.userId, 'remove', '👍'],
      ]);
      expect(events.at(-1)).toMatchObject({
        type: 'reaction',
        channelId: channel.id,
        messageId: message.id,
        reactions: removed.reactions,
      });
      expect(await reactionRows(message.id)).toHaveLength(2);
    });

    it('shows the reactions in history, in a retried send, after an edit and in the pins', async () => {
      const { channel, message } = await scene();
      await react(deps, bob, { messageId: message.id, emoji: ':wave:', op: 'add' });
      const expected = [{ emoji: ':wave:', count: 1, userIds: [bob.userId] }];
      const { items } = await messages.history(deps, alice, { channelId: channel.id, limit: 10 });
      expect(items[0]?.reactions).toEqual(expected);
      const edited = await messages.editMessage(deps, alice, {
        messageId: message.id,
        content: 'edited',
      });
      expect(edited.reactions).toEqual(expected);
      const { message: sent } = await messages.sendMessage(deps, bob, {
        channelId: channel.id,
        content: 'retried',
        clientMsgId: 'retry-1',
      });
      await react(deps, alice, { messageId: sent.id, emoji: '👍', op: 'add' });
      const retry = await messages.sendMessage(deps, bob, {
        channelId: channel.id,
        content: 'retried',
        clientMsgId: 'retry-1',
      });
      expect(retry.created).toBe(false);
      expect(retry.message.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [alice.userId] }]);
      await setPin(deps, bob, { messageId: message.id, op: 'add' });
      const pins = await listPins(deps, bob, channel.id);
      expect(pins.items[0]?.reactions).toEqual(expected);
    });

    it('allows 50 different emoji on a message and refuses the 51st without writing it', async () => {
      const { message } = await scene();
      await deps.db.insert(schema.messageReactions).values(
        Array.from({ length: 49 }, (_, i) => ({
          messageId: message.id,
          userId: i % 2 ? alice.userId : bob.userId,
          emoji: `e${i}`,
          createdAt: new Date(Date.now() - 60_000 + i),
        })),
      );
      await react(deps, bob, { messageId: message.id, emoji: 'e49', op: 'add' });
      await expect(
        react(deps, alice, { messageId: message.id, emoji: 'e50', op: 'add' }),
      ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      // one more of an emoji already there is no new emoji
      const again = await react(deps, alice, { messageId: message.id, emoji: 'e0', op: 'add' });
      expect(again.reactions).toHaveLength(50);
      expect(again.reactions[0]).toMatchObject({ emoji: 'e0', count: 2 });
      expect(await reactionRows(message.id)).toHaveLength(51);
    });

    it('stays exact under concurrent adds and removes from two users', async () => {
      const { message } = await scene();
      const times = (n: number, f: () => Promise<unknown>) => Array.from({ length: n }, () => f());
      const op = (actor: TestUser, op: 'add' | 'remove') => () =>
        react(deps, actor, { messageId: message.id, emoji: '🔥', op });
      await Promise.all([...times(8, op(alice, 'add')), ...times(8, op(bob, 'add'))]);
      expect(await reactionRows(message.id)).toHaveLength(2);
      const mark = deps.published.length;
      // alice adds again while bob takes his away, each many times at once
      await Promise.all([...times(8, op(alice, 'add')), ...times(8, op(bob, 'remove'))]);
      const rows = await reactionRows(message.id);
      expect(rows.map((r) => r.userId)).toEqual([alice.userId]);
      const events = publishedSince(deps, mark);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        userId: bob.userId,
        op: 'remove',
        reactions: [{ emoji: '🔥', count: 1, userIds: [alice.userId] }],
      });
      await Promise.all([...times(8, op(alice, 'remove')), ...times(8, op(bob, 'remove'))]);
      expect(await reactionRows(message.id)).toHaveLength(0);
    });

    it('reads a page of 100 messages with reactions in as many queries as a page of 10', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      const posted = await postMessages(deps, alice, channel.id, 100);
      const at = Date.now() - 60_000;
      await deps.db.insert(schema.messageReactions).values(
        posted.flatMap((message, i) => [
          { messageId: message.id, userId: bob.userId, emoji: '👍', createdAt: new Date(at) },
          ...(i % 3 === 0
            ? [
                {
                  messageId: message.id,
                  userId: alice.userId,
                  emoji: '✅',
                  createdAt: new Date(at + 1),
                },
              ]
            : []),
        ]),
      );
      const counting = countingDatabase(deps.database);
      const countedDeps = { ...deps, db: counting.db };
      const queriesFor = async (limit: number) => {
        const before = counting.queries();
        const page = await messages.history(countedDeps, alice, { channelId: channel.id, limit });
        expect(page.items).toHaveLength(limit);
        expect(page.items.every((m) => m.reactions.length >= 1)).toBe(true);
        return counting.queries() - before;
      };
      const forTen = await queriesFor(10);
      const forHundred = await queriesFor(100);
      expect(forHundred).toBe(forTen);
      // the channel check, then the messages with their reactions and files in one statement
      expect(forHundred).toBe(2);
      const { items } = await messages.history(deps, alice, { channelId: channel.id, limit: 100 });
      expect(items[0]?.reactions).toEqual([
        { emoji: '👍', count: 1, userIds: [bob.userId] },
        { emoji: '✅', count: 1, userIds: [alice.userId] },
      ]);
      expect(items[1]?.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.userId] }]);
    });

    it('is NOT_FOUND for an unknown or deleted message and to outsiders; FORBIDDEN before joining', async () => {
      const { message } = await scene({ isPrivate: true });
      const input = { messageId: message.id, emoji: '👍', op: 'add' as const };
      await expect(react(deps, carol, input)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(react(deps, alice, { ...input, messageId: randomUUID() })).rejects.toMatchObject(
        { code: 'NOT_FOUND' },
      );
      const dm = await channels.openDm(deps, alice, { userIds: [bob.userId] });
      const [dmMessage] = await postMessages(deps, alice, dm.id, 1);
      await expect(
        react(deps, carol, { ...input, messageId: dmMessage?.id ?? '' }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const open = await scene();
      await expect(
        react(deps, carol, { ...input, messageId: open.message.id }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await messages.deleteMessage(deps, alice, open.message.id);
      await expect(
        react(deps, bob, { ...input, messageId: open.message.id }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await reactionRows(message.id)).toHaveLength(0);
    });
  });

  describe('pins', () => {
    it('pins and unpins idempotently, lists newest pin first, announces each change', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      const [first, second, third] = await postMessages(deps, alice, channel.id, 3);
      if (!first || !second || !third) throw new Error('not posted');
      const mark = deps.published.length;
      const pinned = await setPin(deps, bob, { messageId: second.id, op: 'add' });
      expect(pinned.pinnedAt).not.toBeNull();
      const again = await setPin(deps, alice, { messageId: second.id, op: 'add' });
      expect(again.pinnedAt).toBe(pinned.pinnedAt);
      await setPin(deps, alice, { messageId: first.id, op: 'add' });
      await setPin(deps, alice, { messageId: third.id, op: 'add' });
      await setPin(deps, alice, { messageId: third.id, op: 'remove' });
      const unpinned = await setPin(deps, alice, { messageId: third.id, op: 'remove' });
      expect(unpinned.pinnedAt).toBeNull();
      const { items } = await listPins(deps, alice, channel.id);
      expect(items.map((m) => m.id)).toEqual([first.id, second.id]);
      expect(items.every((m) => m.pinnedAt !== null)).toBe(true);
      expect(
        publishedSince(deps, mark).map((e) => e.type === 'pin' && [e.messageId, e.userId, e.op]),
      ).toEqual([
        [second.id, bob.userId, 'add'],
        [first.id, alice.userId, 'add'],
        [third.id, alice.userId, 'add'],
        [third.id, alice.userId, 'remove'],
      ]);
      const history = await messages.history(deps, bob, { channelId: channel.id, limit: 10 });
      expect(history.items.map((m) => m.pinnedAt !== null)).toEqual([true, true, false]);
      // a deleted message leaves the pins
      await messages.deleteMessage(deps, alice, first.id);
      expect((await listPins(deps, alice, channel.id)).items.map((m) => m.id)).toEqual([second.id]);
    });

    it('hides a private channel’s pins from outsiders; a public one’s are read by anyone', async () => {
      const secret = await scene({ isPrivate: true });
      await setPin(deps, bob, { messageId: secret.message.id, op: 'add' });
      await expect(listPins(deps, carol, secret.channel.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(
        setPin(deps, carol, { messageId: secret.message.id, op: 'remove' }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await listPins(deps, alice, secret.channel.id)).items).toHaveLength(1);
      const open = await scene();
      await setPin(deps, alice, { messageId: open.message.id, op: 'add' });
      expect((await listPins(deps, carol, open.channel.id)).items).toHaveLength(1);
      await expect(
        setPin(deps, carol, { messageId: open.message.id, op: 'remove' }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });
  });

  describe('channel topic and name', () => {
    it('lets any member set the topic and only the creator rename, announcing the channel', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      const mark = deps.published.length;
      const topical = await updateChannel(deps, bob, { channelId: channel.id, topic: 'Plans' });
      expect(topical).toMatchObject({ topic: 'Plans', name: channel.name, isMember: true });
      await expect(
        updateChannel(deps, bob, { channelId: channel.id, name: 'renamed' }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const renamed = await updateChannel(deps, alice, { channelId: channel.id, name: 'renamed' });
      expect(renamed).toMatchObject({ name: 'renamed', topic: 'Plans' });
      // the same values again change nothing
      await updateChannel(deps, bob, { channelId: channel.id, name: 'renamed', topic: 'Plans' });
      const cleared = await updateChannel(deps, bob, {
        channelId: channel.id,
        ...updateChannelBody.parse({ topic: '' }),
      });
      expect(cleared.topic).toBeNull();
      const events = publishedSince(deps, mark);
      expect(events.map((e) => e.type === 'channel_updated' && e.channel.topic)).toEqual([
        'Plans',
        'Plans',
        null,
      ]);
      const [event] = events;
      // nobody's own counters go to every member
      expect(event).toMatchObject({ type: 'channel_updated', channelId: channel.id });
      if (event?.type === 'channel_updated')
        expect(event.channel).not.toHaveProperty('lastReadSeq');
      expect((await channels.getChannel(deps, carol, channel.id)).topic).toBeNull();
    });

    it('is NOT_FOUND to outsiders of a private channel or DM, FORBIDDEN to a non-member', async () => {
      const secret = await createChannel(deps, alice, { isPrivate: true });
      await expect(
        updateChannel(deps, carol, { channelId: secret.id, topic: 'x' }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const dm = await channels.openDm(deps, alice, { userIds: [bob.userId] });
      await expect(
        updateChannel(deps, carol, { channelId: dm.id, topic: 'x' }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(
        updateChannel(deps, alice, { channelId: dm.id, name: 'dm' }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect((await updateChannel(deps, bob, { channelId: dm.id, topic: 'ours' })).topic).toBe(
        'ours',
      );
      const open = await createChannel(deps, alice);
      await expect(
        updateChannel(deps, carol, { channelId: open.id, topic: 'x' }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(
        updateChannel(deps, alice, { channelId: randomUUID(), topic: 'x' }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
