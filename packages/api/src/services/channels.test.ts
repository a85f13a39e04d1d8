import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../cursor.js';
import type { ChatEvent } from '../realtime/events.js';
import { topicsOf, userTopic } from '../realtime/event-bus.js';
import {
  createChannel,
  createTestDeps,
  createUser,
  publishedSince,
  testDatabaseKinds,
  type TestDeps,
  type TestUser,
} from '../testing.js';
import { setMuted } from './channel-mute.js';
import * as channels from './channels.js';
import * as messages from './messages.js';
import type { Channel } from './views.js';

const membershipEvents = (events: ChatEvent[]) =>
  events.flatMap((event) =>
    event.type === 'join' || event.type === 'leave'
      ? [{ type: event.type, channelId: event.channelId, userId: event.userId }]
      : [],
  );

describe.each(testDatabaseKinds())('channels service on %s', (kind) => {
  let deps: TestDeps;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  beforeAll(async () => {
    deps = await createTestDeps(kind);
    [alice, bob, carol] = await Promise.all([createUser(deps), createUser(deps), createUser(deps)]);
  });
  afterAll(() => deps.dispose());

  const memberIds = async (actor: TestUser, channelId: string) =>
    (await channels.listMembers(deps, actor, { channelId, limit: 100 })).items
      .map((u) => u.id)
      .sort();

  /** Every page of the actor's channel list, followed through its cursors. */
  async function listAll(actor: TestUser, limit: number) {
    const pages: Channel[][] = [];
    let cursor: string | undefined;
    do {
      const page = await channels.listChannels(deps, actor, { limit, cursor });
      pages.push(page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && pages.length < 1000);
    return pages;
  }

  describe('createChannel', () => {
    it('makes the creator a member, with the named members', async () => {
      const mark = deps.published.length;
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      expect(channel).toMatchObject({
        kind: 'channel',
        isPrivate: false,
        createdBy: alice.userId,
        isMember: true,
        memberCount: 2,
        lastSeq: 0,
        lastReadSeq: 0,
        unreadCount: 0,
        mentionCount: 0,
      });
      expect(await memberIds(alice, channel.id)).toEqual([alice.userId, bob.userId].sort());
      expect(membershipEvents(publishedSince(deps, mark))).toEqual([
        { type: 'join', channelId: channel.id, userId: alice.userId },
        { type: 'join', channelId: channel.id, userId: bob.userId },
      ]);
    });

    it('counts the creator once when they name themselves as a member', async () => {
      const channel = await createChannel(deps, alice, {
        memberIds: [alice.userId, bob.userId, bob.userId],
      });
      expect(channel.memberCount).toBe(2);
    });

    it('answers NOT_FOUND for an unknown member id and creates nothing', async () => {
      const name = `ghost-${randomUUID()}`;
      await expect(
        createChannel(deps, alice, { name, memberIds: [randomUUID()] }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const listed = (await listAll(alice, 100)).flat();
      expect(listed.some((c) => c.name === name)).toBe(false);
    });
  });

  describe('listChannels', () => {
    it('lists every public channel and the private channels and DMs of the caller, each once, oldest first', async () => {
      const mine = await createChannel(deps, carol, { isPrivate: true });
      const dm = await channels.openDm(deps, carol, { userIds: [alice.userId] });
      const theirs = await createChannel(deps, alice, { isPrivate: true });
      const theirDm = await channels.openDm(deps, alice, { userIds: [bob.userId] });
      const open = await createChannel(deps, bob);

      const pages = await listAll(carol, 2);
      const listed = pages.flat();
      expect(pages.slice(0, -1).every((page) => page.length === 2)).toBe(true);
      const ids = listed.map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining([mine.id, dm.id, open.id]));
      expect(ids).not.toContain(theirs.id);
      expect(ids).not.toContain(theirDm.id);
      expect(listed.every((c) => !c.isPrivate || c.isMember)).toBe(true);
      const times = listed.map((c) => c.createdAt);
      expect(times).toEqual([...times].sort());
      expect(listed.find((c) => c.id === open.id)).toMatchObject({ isMember: false });
      expect(listed.find((c) => c.id === open.id)).not.toHaveProperty('unreadCount');
    });

    it('answers BAD_REQUEST for a cursor it did not give', async () => {
      const foreign = [
        'nope',
        encodeCursor(['not a time', randomUUID()]),
        encodeCursor(['2024-01-01T00:00:00.000Z', 'not-a-uuid']),
        // valid to JavaScript, out of Postgres's range: must not reach the database
        encodeCursor([new Date(-8.64e15).toISOString(), randomUUID()]),
        encodeCursor(['0000-01-01T00:00:00.000Z', randomUUID()]),
        encodeCursor(['12', randomUUID()]),
      ];
      for (const cursor of foreign) {
        await expect(
          channels.listChannels(deps, alice, { limit: 10, cursor }),
        ).rejects.toMatchObject({
          code: 'BAD_REQUEST',
        });
      }
    });
  });

  describe('getChannel', () => {
    it("shows a public channel to a non-member, without the member's counters", async () => {
      const channel = await createChannel(deps, alice);
      const seen = await channels.getChannel(deps, carol, channel.id);
      expect(seen).toMatchObject({ id: channel.id, isMember: false, memberCount: 1 });
      expect(seen).not.toHaveProperty('lastReadSeq');
      expect(seen).not.toHaveProperty('mentionCount');
    });

    it('answers NOT_FOUND for a private channel to a non-member, as for one that does not exist', async () => {
      const channel = await createChannel(deps, alice, { isPrivate: true });
      await expect(channels.getChannel(deps, carol, channel.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(channels.getChannel(deps, carol, randomUUID())).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(channels.getChannel(deps, alice, channel.id)).resolves.toMatchObject({
        isMember: true,
      });
    });
  });

  describe('joinChannel', () => {
    it('makes the caller a member of a public channel and publishes one join', async () => {
      const channel = await createChannel(deps, alice);
      const mark = deps.published.length;
      const joined = await channels.joinChannel(deps, carol, channel.id);
      expect(joined).toMatchObject({ isMember: true, memberCount: 2, lastReadSeq: 0 });
      expect(membershipEvents(publishedSince(deps, mark))).toEqual([
        { type: 'join', channelId: channel.id, userId: carol.userId },
      ]);
    });

    it('is idempotent and publishes nothing when the caller is already a member', async () => {
      const channel = await createChannel(deps, alice);
      await channels.joinChannel(deps, carol, channel.id);
      const mark = deps.published.length;
      await expect(channels.joinChannel(deps, carol, channel.id)).resolves.toMatchObject({
        isMember: true,
        memberCount: 2,
      });
      await expect(channels.joinChannel(deps, alice, channel.id)).resolves.toMatchObject({
        memberCount: 2,
      });
      expect(publishedSince(deps, mark)).toEqual([]);
    });

    it('starts a newcomer with the history already read', async () => {
      const channel = await createChannel(deps, alice);
      await messages.sendMessage(deps, alice, {
        channelId: channel.id,
        content: 'before you came',
      });
      await expect(channels.joinChannel(deps, carol, channel.id)).resolves.toMatchObject({
        lastSeq: 1,
        lastReadSeq: 1,
        unreadCount: 0,
      });
    });

    it('answers NOT_FOUND for a private channel or a DM of others, and publishes nothing', async () => {
      const secret = await createChannel(deps, alice, { isPrivate: true });
      const dm = await channels.openDm(deps, alice, { userIds: [bob.userId] });
      const mark = deps.published.length;
      await expect(channels.joinChannel(deps, carol, secret.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(channels.joinChannel(deps, carol, dm.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(publishedSince(deps, mark)).toEqual([]);
      expect(await memberIds(alice, secret.id)).toEqual([alice.userId]);
    });
  });

  describe('addMember', () => {
    it('lets a member add someone, who receives a join, once', async () => {
      const channel = await createChannel(deps, alice, {
        isPrivate: true,
        memberIds: [bob.userId],
      });
      const mark = deps.published.length;
      await expect(
        channels.addMember(deps, bob, { channelId: channel.id, userId: carol.userId }),
      ).resolves.toMatchObject({
        memberCount: 3,
        isMember: true,
      });
      await channels.addMember(deps, bob, { channelId: channel.id, userId: carol.userId });
      expect(membershipEvents(publishedSince(deps, mark))).toEqual([
        { type: 'join', channelId: channel.id, userId: carol.userId },
      ]);
      await expect(channels.getChannel(deps, carol, channel.id)).resolves.toMatchObject({
        isMember: true,
      });
    });

    it('forbids a non-member of a public channel to add others', async () => {
      const channel = await createChannel(deps, alice);
      await expect(
        channels.addMember(deps, carol, { channelId: channel.id, userId: bob.userId }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(await memberIds(alice, channel.id)).toEqual([alice.userId]);
    });

    it('lets a user add themselves to a public channel, as joining', async () => {
      const channel = await createChannel(deps, alice);
      await expect(
        channels.addMember(deps, carol, { channelId: channel.id, userId: carol.userId }),
      ).resolves.toMatchObject({
        isMember: true,
      });
    });

    it('answers NOT_FOUND to a non-member of a private channel, even for adding themselves', async () => {
      const channel = await createChannel(deps, alice, { isPrivate: true });
      for (const userId of [bob.userId, carol.userId]) {
        await expect(
          channels.addMember(deps, carol, { channelId: channel.id, userId }),
        ).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
      }
    });

    it('answers NOT_FOUND for an unknown user', async () => {
      const channel = await createChannel(deps, alice);
      await expect(
        channels.addMember(deps, alice, { channelId: channel.id, userId: randomUUID() }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it("keeps a DM's members fixed", async () => {
      const dm = await channels.openDm(deps, alice, { userIds: [bob.userId] });
      await expect(
        channels.addMember(deps, alice, { channelId: dm.id, userId: carol.userId }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(await memberIds(alice, dm.id)).toEqual([alice.userId, bob.userId].sort());
    });
  });

  describe('removeMember', () => {
    it('lets the creator remove a member, who receives a leave', async () => {
      const channel = await createChannel(deps, alice, {
        isPrivate: true,
        memberIds: [bob.userId],
      });
      const mark = deps.published.length;
      await channels.removeMember(deps, alice, { channelId: channel.id, userId: bob.userId });
      expect(membershipEvents(publishedSince(deps, mark))).toEqual([
        { type: 'leave', channelId: channel.id, userId: bob.userId },
      ]);
      await expect(channels.getChannel(deps, bob, channel.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('forbids anyone but the creator to remove others', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId, carol.userId] });
      await expect(
        channels.removeMember(deps, bob, { channelId: channel.id, userId: carol.userId }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(
        channels.removeMember(deps, bob, { channelId: channel.id, userId: alice.userId }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(await memberIds(alice, channel.id)).toHaveLength(3);
    });

    it('lets a member leave, idempotently, with one leave event', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      const mark = deps.published.length;
      await channels.removeMember(deps, bob, { channelId: channel.id, userId: bob.userId });
      await channels.removeMember(deps, bob, { channelId: channel.id, userId: bob.userId });
      expect(membershipEvents(publishedSince(deps, mark))).toEqual([
        { type: 'leave', channelId: channel.id, userId: bob.userId },
      ]);
      await expect(channels.getChannel(deps, bob, channel.id)).resolves.toMatchObject({
        isMember: false,
        memberCount: 1,
      });
    });

    it('answers NOT_FOUND to a non-member of a private channel', async () => {
      const channel = await createChannel(deps, alice, {
        isPrivate: true,
        memberIds: [bob.userId],
      });
      await expect(
        channels.removeMember(deps, carol, { channelId: channel.id, userId: carol.userId }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(
        channels.removeMember(deps, carol, { channelId: channel.id, userId: bob.userId }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it("keeps a DM's members fixed, even against the one who opened it", async () => {
      const dm = await channels.openDm(deps, alice, { userIds: [bob.userId] });
      await expect(
        channels.removeMember(deps, alice, { channelId: dm.id, userId: bob.userId }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(await memberIds(bob, dm.id)).toEqual([alice.userId, bob.userId].sort());
    });
  });

  describe('listMembers', () => {
    it('pages through the members in username order', async () => {
      const extra = await Promise.all([createUser(deps), createUser(deps)]);
      const everyone = [alice, bob, carol, ...extra];
      const channel = await createChannel(deps, alice, {
        memberIds: everyone.map((u) => u.userId),
      });
      const names: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await channels.listMembers(deps, carol, {
          channelId: channel.id,
          limit: 2,
          cursor,
        });
        expect(page.items.length).toBeLessThanOrEqual(2);
        names.push(...page.items.map((u) => u.username));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(names).toEqual(everyone.map((u) => u.username).sort());
    });

    it("gives each member's read mark, as it moves", async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      for (const content of ['one', 'two', 'three']) {
        await messages.sendMessage(deps, alice, { channelId: channel.id, content });
      }
      await messages.markRead(deps, bob, { channelId: channel.id, seq: 2 });
      const marks = async () =>
        Object.fromEntries(
          (await channels.listMembers(deps, carol, { channelId: channel.id, limit: 10 })).items.map(
            (member) => [member.id, member.lastReadSeq],
          ),
        );
      // the sender has read their own messages; the list is the same whoever may see it
      expect(await marks()).toEqual({ [alice.userId]: 3, [bob.userId]: 2 });
      await messages.markRead(deps, bob, { channelId: channel.id, seq: 3 });
      expect(await marks()).toEqual({ [alice.userId]: 3, [bob.userId]: 3 });
    });

    it('shows the members of a public channel to a non-member', async () => {
      const channel = await createChannel(deps, alice);
      const page = await channels.listMembers(deps, carol, { channelId: channel.id, limit: 10 });
      expect(page.items.map((u) => u.id)).toEqual([alice.userId]);
    });

    it('answers NOT_FOUND to a non-member of a private channel', async () => {
      const channel = await createChannel(deps, alice, { isPrivate: true });
      await expect(
        channels.listMembers(deps, carol, { channelId: channel.id, limit: 10 }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });

  describe('openDm', () => {
    it('gives the same DM for the same people whatever the order and whoever asks', async () => {
      const [dave, erin] = await Promise.all([createUser(deps), createUser(deps)]);
      const first = await channels.openDm(deps, dave, { userIds: [erin.userId, alice.userId] });
      expect(first).toMatchObject({
        kind: 'dm',
        name: null,
        isPrivate: true,
        isMember: true,
        memberCount: 3,
      });
      const again = await channels.openDm(deps, dave, { userIds: [alice.userId, erin.userId] });
      const fromErin = await channels.openDm(deps, erin, {
        userIds: [dave.userId, alice.userId, erin.userId],
      });
      expect(again.id).toBe(first.id);
      expect(fromErin.id).toBe(first.id);
      const pair = await channels.openDm(deps, dave, { userIds: [erin.userId] });
      expect(pair.id).not.toBe(first.id);
    });

    it('gives one DM when both people open it at the same time', async () => {
      const [dave, erin] = await Promise.all([createUser(deps), createUser(deps)]);
      const opened = await Promise.all([
        channels.openDm(deps, dave, { userIds: [erin.userId] }),
        channels.openDm(deps, erin, { userIds: [dave.userId] }),
        channels.openDm(deps, dave, { userIds: [erin.userId] }),
      ]);
      expect(new Set(opened.map((c) => c.id)).size).toBe(1);
    });

    it('hides a DM from everyone outside it', async () => {
      const dm = await channels.openDm(deps, alice, { userIds: [bob.userId] });
      await expect(channels.getChannel(deps, carol, dm.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(
        channels.listMembers(deps, carol, { channelId: dm.id, limit: 10 }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('rejects a DM with nobody but the caller', async () => {
      await expect(channels.openDm(deps, alice, { userIds: [alice.userId] })).rejects.toMatchObject(
        {
          code: 'BAD_REQUEST',
        },
      );
    });

    it('answers NOT_FOUND for an unknown user', async () => {
      await expect(channels.openDm(deps, alice, { userIds: [randomUUID()] })).rejects.toMatchObject(
        {
          code: 'NOT_FOUND',
        },
      );
    });

    it('brings back a member who left when they open it again', async () => {
      const [dave, erin] = await Promise.all([createUser(deps), createUser(deps)]);
      const dm = await channels.openDm(deps, dave, { userIds: [erin.userId] });
      await channels.removeMember(deps, erin, { channelId: dm.id, userId: erin.userId });
      await expect(channels.getChannel(deps, erin, dm.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(channels.openDm(deps, erin, { userIds: [dave.userId] })).resolves.toMatchObject({
        id: dm.id,
        isMember: true,
        memberCount: 2,
      });
    });
  });

  describe('setMuted', () => {
    const mutedFor = async (actor: TestUser, channelId: string) =>
      (await channels.getChannel(deps, actor, channelId)).muted;

    it('starts unmuted, mutes and unmutes the caller, and answers the channel as they see it', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      expect(channel.muted).toBe(false);
      const muted = await setMuted(deps, alice, { channelId: channel.id, muted: true });
      expect(muted).toMatchObject({ id: channel.id, isMember: true, muted: true });
      expect(await mutedFor(alice, channel.id)).toBe(true);
      const listed = await channels.listChannels(deps, alice, { limit: 100 });
      expect(listed.items.find((c) => c.id === channel.id)?.muted).toBe(true);
      await setMuted(deps, alice, { channelId: channel.id, muted: false });
      expect(await mutedFor(alice, channel.id)).toBe(false);
    });

    it("is idempotent, and tells the user's own connections of each change only", async () => {
      const channel = await createChannel(deps, alice);
      const mark = deps.published.length;
      await setMuted(deps, alice, { channelId: channel.id, muted: true });
      await expect(
        setMuted(deps, alice, { channelId: channel.id, muted: true }),
      ).resolves.toMatchObject({ muted: true });
      await setMuted(deps, alice, { channelId: channel.id, muted: false });
      await expect(
        setMuted(deps, alice, { channelId: channel.id, muted: false }),
      ).resolves.toMatchObject({ muted: false });
      const told = deps.published.slice(mark);
      const change = { type: 'channel_muted', channelId: channel.id, userId: alice.userId };
      expect(told).toEqual([
        { ...change, muted: true },
        { ...change, muted: false },
      ]);
      expect(told.flatMap(topicsOf)).toEqual([userTopic(alice.userId), userTopic(alice.userId)]);
    });

    it("leaves every other member's mute as it was", async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      await setMuted(deps, bob, { channelId: channel.id, muted: true });
      await setMuted(deps, alice, { channelId: channel.id, muted: true });
      await setMuted(deps, alice, { channelId: channel.id, muted: false });
      expect(await mutedFor(bob, channel.id)).toBe(true);
      expect(await mutedFor(alice, channel.id)).toBe(false);
    });

    it('has no muted field for a non-member, who may not set one', async () => {
      const channel = await createChannel(deps, alice);
      expect(await channels.getChannel(deps, carol, channel.id)).not.toHaveProperty('muted');
      await expect(
        setMuted(deps, carol, { channelId: channel.id, muted: true }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(await channels.getChannel(deps, carol, channel.id)).not.toHaveProperty('muted');
    });

    it('answers NOT_FOUND for a channel the caller cannot see, as for one that does not exist', async () => {
      const hidden = await createChannel(deps, alice, { isPrivate: true });
      await expect(
        setMuted(deps, carol, { channelId: hidden.id, muted: true }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(
        setMuted(deps, carol, { channelId: randomUUID(), muted: true }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await mutedFor(alice, hidden.id)).toBe(false);
    });
  });
});
