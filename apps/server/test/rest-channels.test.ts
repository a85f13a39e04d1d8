// REST channels, members and DMs: shapes, who sees what, and who may change membership.
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  channelKeys,
  createChannel,
  expectError,
  expectValidationError,
  isoTime,
  memberChannelKeys,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  userKeys,
  type ChannelBody,
  type RegisteredUser,
  type Payload,
  type TestApp,
  type UserBody,
} from './helpers.js';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

describe.each(testDatabaseKinds())('REST channels on %s', (kind) => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    [alice, bob, carol] = await Promise.all([
      registerUser(t.app),
      registerUser(t.app),
      registerUser(t.app),
    ]);
  });
  afterAll(() => t.close());

  const get = (user: RegisteredUser, url: string) =>
    t.app.inject({ method: 'GET', url, headers: user.auth });
  const post = (user: RegisteredUser, url: string, payload?: Payload) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: user.auth,
      ...(payload === undefined ? {} : { payload }),
    });
  const remove = (user: RegisteredUser, url: string) =>
    t.app.inject({ method: 'DELETE', url, headers: user.auth });
  const channelOf = (response: LightMyRequestResponse) =>
    response.json<{ channel: ChannelBody }>().channel;
  const openDm = (user: RegisteredUser, userIds: string[]) => post(user, '/api/dms', { userIds });

  describe('POST /api/channels', () => {
    it('answers 201 with the channel, the creator its only member', async () => {
      const response = await post(alice, '/api/channels', { name: 'general' });
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json<{ channel: ChannelBody }>();
      expect(Object.keys(body)).toEqual(['channel']);
      expect(Object.keys(body.channel).sort()).toEqual(memberChannelKeys);
      expect(body.channel).toMatchObject({
        name: 'general',
        kind: 'channel',
        isPrivate: false,
        createdBy: alice.id,
        memberCount: 1,
        isMember: true,
        lastSeq: 0,
        lastReadSeq: 0,
        unreadCount: 0,
        mentionCount: 0,
      });
      expect(body.channel.createdAt).toMatch(isoTime);
      const members = (await get(alice, `/api/channels/${body.channel.id}/members`)).json<
        Page<UserBody>
      >();
      expect(members.items.map((u) => u.id)).toEqual([alice.id]);
    });

    it('adds the given members and makes a private channel when asked', async () => {
      const response = await post(alice, '/api/channels', {
        name: 'secret',
        isPrivate: true,
        memberIds: [bob.id, bob.id, alice.id],
      });
      expect(response.statusCode).toBe(201);
      expect(channelOf(response)).toMatchObject({
        isPrivate: true,
        memberCount: 2,
        isMember: true,
      });
      const asBob = await get(bob, `/api/channels/${channelOf(response).id}`);
      expect(channelOf(asBob)).toMatchObject({ isMember: true });
    });

    it('trims the name and accepts 80 characters', async () => {
      expect(channelOf(await post(alice, '/api/channels', { name: '  spaced  ' })).name).toBe(
        'spaced',
      );
      const long = 'n'.repeat(80);
      expect(channelOf(await post(alice, '/api/channels', { name: long })).name).toBe(long);
    });

    it.each([
      ['a missing name', {}, 'name'],
      ['an empty name', { name: '' }, 'name'],
      ['a blank name', { name: '   ' }, 'name'],
      ['a name over 80 characters', { name: 'n'.repeat(81) }, 'name'],
      ['a name that is a number', { name: 7 }, 'name'],
      ['isPrivate as a string', { name: 'x', isPrivate: 'yes' }, 'isPrivate'],
      ['memberIds that are not UUIDs', { name: 'x', memberIds: ['bob'] }, 'memberIds.0'],
      ['memberIds that is not a list', { name: 'x', memberIds: 'bob' }, 'memberIds'],
    ])('rejects %s with 400', async (_name, payload, path) => {
      expectValidationError(await post(alice, '/api/channels', payload), path);
    });

    it('answers 404 when a member does not exist, and creates nothing', async () => {
      const name = `ghosts-${randomUUID()}`;
      expectError(
        await post(alice, '/api/channels', { name, memberIds: [randomUUID()] }),
        404,
        'NOT_FOUND',
      );
      const list = (await get(alice, '/api/channels?limit=100')).json<Page<ChannelBody>>();
      expect(list.items.map((c) => c.name)).not.toContain(name);
    });

    it('requires an access token', async () => {
      expectError(
        await t.app.inject({ method: 'POST', url: '/api/channels', payload: { name: 'x' } }),
        401,
        'UNAUTHORIZED',
      );
    });
  });

  describe('GET /api/channels/:id', () => {
    it('answers 200 with a public channel to a non-member, without the member counters', async () => {
      const channel = await createChannel(t.app, alice);
      const response = await get(bob, `/api/channels/${channel.id}`);
      expect(response.statusCode).toBe(200);
      const body = response.json<{ channel: ChannelBody }>();
      expect(Object.keys(body)).toEqual(['channel']);
      expect(Object.keys(body.channel).sort()).toEqual(channelKeys);
      expect(body.channel).toMatchObject({ id: channel.id, isMember: false, memberCount: 1 });
    });

    it('hides a private channel from a non-member', async () => {
      const channel = await createChannel(t.app, alice, { isPrivate: true });
      const hidden = expectError(await get(bob, `/api/channels/${channel.id}`), 404, 'NOT_FOUND');
      // exactly what an id that never existed gives
      expect(
        expectError(await get(bob, `/api/channels/${randomUUID()}`), 404, 'NOT_FOUND'),
      ).toEqual(hidden);
    });

    it('hides a DM from someone outside it', async () => {
      const dm = channelOf(await openDm(alice, [bob.id]));
      expectError(await get(carol, `/api/channels/${dm.id}`), 404, 'NOT_FOUND');
    });

    it.each(['not-a-uuid', '1', 'general'])('rejects the id "%s" with 400', async (id) => {
      expectValidationError(await get(alice, `/api/channels/${id}`), 'id');
    });
  });

  describe('GET /api/channels', () => {
    it('lists every public channel, plus only the private channels and DMs the caller is in', async () => {
      const pub = await createChannel(t.app, alice);
      const alicePrivate = await createChannel(t.app, alice, { isPrivate: true });
      const shared = await createChannel(t.app, alice, { isPrivate: true, memberIds: [bob.id] });
      const aliceBobDm = channelOf(await openDm(alice, [bob.id]));
      const aliceCarolDm = channelOf(await openDm(alice, [carol.id]));

      const ids = async (user: RegisteredUser) => {
        const response = await get(user, '/api/channels?limit=100');
        expect(response.statusCode).toBe(200);
        const page = response.json<Page<ChannelBody>>();
        expect(Object.keys(page).sort()).toEqual(['items', 'nextCursor']);
        return page.items.map((c) => c.id);
      };
      const bobSees = await ids(bob);
      expect(bobSees).toEqual(expect.arrayContaining([pub.id, shared.id, aliceBobDm.id]));
      expect(bobSees).not.toContain(alicePrivate.id);
      expect(bobSees).not.toContain(aliceCarolDm.id);

      const carolSees = await ids(carol);
      expect(carolSees).toEqual(expect.arrayContaining([pub.id, aliceCarolDm.id]));
      for (const hidden of [alicePrivate.id, shared.id, aliceBobDm.id])
        expect(carolSees).not.toContain(hidden);

      const aliceSees = await ids(alice);
      expect(aliceSees).toEqual(
        expect.arrayContaining([
          pub.id,
          alicePrivate.id,
          shared.id,
          aliceBobDm.id,
          aliceCarolDm.id,
        ]),
      );
    });

    it('gives the unread and mention counters only on channels the caller is a member of', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      await sendMessage(t.app, alice, channel.id, 'plain');
      await sendMessage(t.app, alice, channel.id, `hey @${bob.username}, look`);
      await sendMessage(t.app, alice, channel.id, `not a mention: x@${bob.username}z`);
      const items = (await get(bob, '/api/channels?limit=100')).json<Page<ChannelBody>>().items;
      const asBob = items.find((c) => c.id === channel.id);
      expect(asBob).toMatchObject({
        isMember: true,
        lastSeq: 3,
        lastReadSeq: 0,
        unreadCount: 3,
        mentionCount: 1,
      });
      // the sender has read what they wrote
      const asAlice = channelOf(await get(alice, `/api/channels/${channel.id}`));
      expect(asAlice).toMatchObject({ lastReadSeq: 3, unreadCount: 0, mentionCount: 0 });
      const asCarol = (await get(carol, '/api/channels?limit=100'))
        .json<Page<ChannelBody>>()
        .items.find((c) => c.id === channel.id);
      expect(asCarol).toBeDefined();
      expect(Object.keys(asCarol ?? {}).sort()).toEqual(channelKeys);
      expect(asCarol).toMatchObject({ isMember: false, lastSeq: 3 });
    });

    it('walks every visible channel once through nextCursor', async () => {
      const all = (await get(carol, '/api/channels?limit=100'))
        .json<Page<ChannelBody>>()
        .items.map((c) => c.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const url: string = `/api/channels?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = (await get(carol, url)).json<Page<ChannelBody>>();
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
        if (cursor === null) break;
      }
      expect(seen).toEqual(all);
    });

    it.each(['limit=0', 'limit=101', 'limit=x'])('rejects ?%s with 400', async (query) => {
      expectValidationError(await get(alice, `/api/channels?${query}`), 'limit');
    });

    it.each([
      ['garbage', 'garbage'],
      [
        'a cursor of the users list',
        Buffer.from(JSON.stringify(['alice', randomUUID()])).toString('base64url'),
      ],
      ['base64 of a number', Buffer.from('42').toString('base64url')],
    ])('rejects %s as cursor with 400', async (_name, cursor) => {
      expectError(await get(alice, `/api/channels?cursor=${cursor}`), 400, 'BAD_REQUEST');
    });

    it('requires an access token', async () => {
      expectError(await t.app.inject({ method: 'GET', url: '/api/channels' }), 401, 'UNAUTHORIZED');
    });
  });

  describe('POST /api/channels/:id/members', () => {
    it('joins the caller to a public channel with {} and answers 200, idempotently', async () => {
      const channel = await createChannel(t.app, alice);
      const first = await post(bob, `/api/channels/${channel.id}/members`, {});
      expect(first.statusCode, first.body).toBe(200);
      expect(Object.keys(first.json<object>())).toEqual(['channel']);
      expect(channelOf(first)).toMatchObject({ id: channel.id, isMember: true, memberCount: 2 });
      expect(Object.keys(channelOf(first)).sort()).toEqual(memberChannelKeys);
      const again = await post(bob, `/api/channels/${channel.id}/members`, {});
      expect(again.statusCode).toBe(200);
      expect(channelOf(again)).toMatchObject({ isMember: true, memberCount: 2 });
    });

    it('joins the caller when the request has no body at all', async () => {
      const channel = await createChannel(t.app, alice);
      const response = await post(bob, `/api/channels/${channel.id}/members`);
      expect(response.statusCode, response.body).toBe(200);
      expect(channelOf(response)).toMatchObject({ isMember: true });
    });

    it('starts a newcomer with the earlier history read', async () => {
      const channel = await createChannel(t.app, alice);
      await sendMessage(t.app, alice, channel.id, 'before you came');
      const joined = channelOf(await post(bob, `/api/channels/${channel.id}/members`, {}));
      expect(joined).toMatchObject({ lastSeq: 1, lastReadSeq: 1, unreadCount: 0 });
    });

    it('lets a member add someone with { userId }, idempotently', async () => {
      const channel = await createChannel(t.app, alice, { isPrivate: true });
      const response = await post(alice, `/api/channels/${channel.id}/members`, { userId: bob.id });
      expect(response.statusCode).toBe(200);
      expect(channelOf(response)).toMatchObject({ memberCount: 2, isMember: true });
      expect(
        channelOf(await post(alice, `/api/channels/${channel.id}/members`, { userId: bob.id }))
          .memberCount,
      ).toBe(2);
      expect((await get(bob, `/api/channels/${channel.id}`)).statusCode).toBe(200);
    });

    it('hides a private channel from a non-member who tries to join it', async () => {
      const channel = await createChannel(t.app, alice, { isPrivate: true });
      expectError(await post(bob, `/api/channels/${channel.id}/members`, {}), 404, 'NOT_FOUND');
      expectError(
        await post(bob, `/api/channels/${channel.id}/members`, { userId: bob.id }),
        404,
        'NOT_FOUND',
      );
    });

    it('hides a private channel from a non-member who tries to add someone', async () => {
      const channel = await createChannel(t.app, alice, { isPrivate: true });
      expectError(
        await post(bob, `/api/channels/${channel.id}/members`, { userId: carol.id }),
        404,
        'NOT_FOUND',
      );
    });

    it('hides a DM from someone outside it who tries to join or add', async () => {
      const dm = channelOf(await openDm(alice, [bob.id]));
      expectError(await post(carol, `/api/channels/${dm.id}/members`, {}), 404, 'NOT_FOUND');
      expectError(
        await post(carol, `/api/channels/${dm.id}/members`, { userId: carol.id }),
        404,
        'NOT_FOUND',
      );
    });

    it('forbids adding someone to a public channel the caller has not joined', async () => {
      const channel = await createChannel(t.app, alice);
      expectError(
        await post(bob, `/api/channels/${channel.id}/members`, { userId: carol.id }),
        403,
        'FORBIDDEN',
      );
    });

    it('forbids adding someone to a DM', async () => {
      const dm = channelOf(await openDm(alice, [bob.id]));
      expectError(
        await post(alice, `/api/channels/${dm.id}/members`, { userId: carol.id }),
        403,
        'FORBIDDEN',
      );
    });

    it('answers 404 for an unknown user or channel', async () => {
      const channel = await createChannel(t.app, alice);
      expectError(
        await post(alice, `/api/channels/${channel.id}/members`, { userId: randomUUID() }),
        404,
        'NOT_FOUND',
      );
      expectError(await post(alice, `/api/channels/${randomUUID()}/members`, {}), 404, 'NOT_FOUND');
    });

    it('rejects a userId that is not a UUID, and a body that is not an object, with 400', async () => {
      const channel = await createChannel(t.app, alice);
      expectValidationError(
        await post(alice, `/api/channels/${channel.id}/members`, { userId: 'bob' }),
        'userId',
      );
      expectError(
        await post(alice, `/api/channels/${channel.id}/members`, [bob.id]),
        400,
        'BAD_REQUEST',
      );
      expectValidationError(await post(alice, '/api/channels/nope/members', {}), 'id');
    });
  });

  describe('DELETE /api/channels/:id/members/:userId', () => {
    it('lets a member leave with "me" and answers 204, idempotently', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      const response = await remove(bob, `/api/channels/${channel.id}/members/me`);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect(channelOf(await get(bob, `/api/channels/${channel.id}`))).toMatchObject({
        isMember: false,
        memberCount: 1,
      });
      expect((await remove(bob, `/api/channels/${channel.id}/members/me`)).statusCode).toBe(204);
    });

    it('lets a member leave by naming their own id', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      expect((await remove(bob, `/api/channels/${channel.id}/members/${bob.id}`)).statusCode).toBe(
        204,
      );
      expect(channelOf(await get(alice, `/api/channels/${channel.id}`)).memberCount).toBe(1);
    });

    it('hides a private channel from a member once they left it', async () => {
      const channel = await createChannel(t.app, alice, { isPrivate: true, memberIds: [bob.id] });
      expect((await remove(bob, `/api/channels/${channel.id}/members/me`)).statusCode).toBe(204);
      expectError(await get(bob, `/api/channels/${channel.id}`), 404, 'NOT_FOUND');
    });

    it('lets the creator remove another member', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      expect(
        (await remove(alice, `/api/channels/${channel.id}/members/${bob.id}`)).statusCode,
      ).toBe(204);
      expect(channelOf(await get(bob, `/api/channels/${channel.id}`)).isMember).toBe(false);
    });

    it('forbids a member who is not the creator to remove someone else', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id, carol.id] });
      expectError(
        await remove(bob, `/api/channels/${channel.id}/members/${carol.id}`),
        403,
        'FORBIDDEN',
      );
      expectError(
        await remove(bob, `/api/channels/${channel.id}/members/${alice.id}`),
        403,
        'FORBIDDEN',
      );
      expect(channelOf(await get(alice, `/api/channels/${channel.id}`)).memberCount).toBe(3);
    });

    it('hides a private channel and a DM from a non-member who tries to remove someone', async () => {
      const channel = await createChannel(t.app, alice, { isPrivate: true, memberIds: [bob.id] });
      expectError(
        await remove(carol, `/api/channels/${channel.id}/members/${bob.id}`),
        404,
        'NOT_FOUND',
      );
      expectError(await remove(carol, `/api/channels/${channel.id}/members/me`), 404, 'NOT_FOUND');
      const dm = channelOf(await openDm(alice, [bob.id]));
      expectError(
        await remove(carol, `/api/channels/${dm.id}/members/${bob.id}`),
        404,
        'NOT_FOUND',
      );
    });

    it('rejects a userId that is neither "me" nor a UUID with 400', async () => {
      const channel = await createChannel(t.app, alice);
      expectValidationError(
        await remove(alice, `/api/channels/${channel.id}/members/you`),
        'userId',
      );
      expectValidationError(await remove(alice, `/api/channels/bad/members/me`), 'id');
    });

    it('answers 404 for an unknown channel', async () => {
      expectError(
        await remove(alice, `/api/channels/${randomUUID()}/members/me`),
        404,
        'NOT_FOUND',
      );
    });
  });

  describe('GET /api/channels/:id/members', () => {
    it('answers 200 with a page of users without emails, to anyone who can see the channel', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      const response = await get(carol, `/api/channels/${channel.id}/members`);
      expect(response.statusCode).toBe(200);
      const page = response.json<Page<UserBody>>();
      expect(Object.keys(page).sort()).toEqual(['items', 'nextCursor']);
      expect(page.items.map((u) => u.id).sort()).toEqual([alice.id, bob.id].sort());
      for (const user of page.items) {
        expect(Object.keys(user).sort()).toEqual([...userKeys, 'lastReadSeq'].sort());
      }
      expect(response.body).not.toMatch(/email|@example\.test|passwordHash|password_hash|\$argon2/);
    });

    it("gives each member's read mark in the channel", async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      await sendMessage(t.app, alice, channel.id, 'one');
      await sendMessage(t.app, alice, channel.id, 'two');
      const marks = async () =>
        Object.fromEntries(
          (await get(carol, `/api/channels/${channel.id}/members`))
            .json<Page<UserBody & { lastReadSeq: number }>>()
            .items.map((member) => [member.id, member.lastReadSeq]),
        );
      expect(await marks()).toEqual({ [alice.id]: 2, [bob.id]: 0 });
      const read = await post(bob, `/api/channels/${channel.id}/read`, { seq: 1 });
      expect(read.statusCode, read.body).toBe(200);
      expect(await marks()).toEqual({ [alice.id]: 2, [bob.id]: 1 });
    });

    it('walks the members through nextCursor', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id, carol.id] });
      const first = (await get(alice, `/api/channels/${channel.id}/members?limit=2`)).json<
        Page<UserBody>
      >();
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).not.toBeNull();
      const second = (
        await get(
          alice,
          `/api/channels/${channel.id}/members?limit=2&cursor=${first.nextCursor ?? ''}`,
        )
      ).json<Page<UserBody>>();
      expect(second.nextCursor).toBeNull();
      expect([...first.items, ...second.items].map((u) => u.id).sort()).toEqual(
        [alice.id, bob.id, carol.id].sort(),
      );
    });

    it('hides the members of a private channel and of a DM from a non-member', async () => {
      const channel = await createChannel(t.app, alice, { isPrivate: true });
      expectError(await get(bob, `/api/channels/${channel.id}/members`), 404, 'NOT_FOUND');
      const dm = channelOf(await openDm(alice, [bob.id]));
      expectError(await get(carol, `/api/channels/${dm.id}/members`), 404, 'NOT_FOUND');
    });

    it('rejects a bad limit or cursor with 400', async () => {
      const channel = await createChannel(t.app, alice);
      expectValidationError(
        await get(alice, `/api/channels/${channel.id}/members?limit=0`),
        'limit',
      );
      expectValidationError(
        await get(alice, `/api/channels/${channel.id}/members?limit=101`),
        'limit',
      );
      expectError(
        await get(alice, `/api/channels/${channel.id}/members?cursor=zzz`),
        400,
        'BAD_REQUEST',
      );
    });
  });

  describe('POST /api/dms', () => {
    it('answers 200 with a private DM channel without a name, with both people in it', async () => {
      const response = await openDm(alice, [carol.id]);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<{ channel: ChannelBody }>();
      expect(Object.keys(body)).toEqual(['channel']);
      expect(Object.keys(body.channel).sort()).toEqual(memberChannelKeys);
      expect(body.channel).toMatchObject({
        kind: 'dm',
        name: null,
        isPrivate: true,
        isMember: true,
        memberCount: 2,
      });
      expect(channelOf(await get(carol, `/api/channels/${body.channel.id}`)).isMember).toBe(true);
    });

    it('gives the same channel for the same set of people, whoever opens it and in any order', async () => {
      const first = channelOf(await openDm(alice, [bob.id, carol.id]));
      const again = channelOf(await openDm(alice, [carol.id, bob.id, carol.id]));
      const fromBob = channelOf(await openDm(bob, [alice.id, carol.id]));
      const withSelf = channelOf(await openDm(carol, [carol.id, alice.id, bob.id]));
      expect(new Set([first.id, again.id, fromBob.id, withSelf.id])).toEqual(new Set([first.id]));
      expect(first.memberCount).toBe(3);
      // a different set of people is a different channel
      expect(channelOf(await openDm(alice, [bob.id])).id).not.toBe(first.id);
    });

    it('brings back a member who left when they open the same DM again', async () => {
      const dm = channelOf(await openDm(bob, [carol.id]));
      await remove(bob, `/api/channels/${dm.id}/members/me`);
      expectError(await get(bob, `/api/channels/${dm.id}`), 404, 'NOT_FOUND');
      const reopened = channelOf(await openDm(bob, [carol.id]));
      expect(reopened).toMatchObject({ id: dm.id, isMember: true, memberCount: 2 });
    });

    it.each([
      ['no one', { userIds: [] }, 'userIds'],
      ['more than 8 others', { userIds: Array.from({ length: 9 }, () => randomUUID()) }, 'userIds'],
      ['ids that are not UUIDs', { userIds: ['bob'] }, 'userIds.0'],
      ['a missing list', {}, 'userIds'],
    ])('rejects %s with 400', async (_name, payload, path) => {
      expectValidationError(await post(alice, '/api/dms', payload), path);
    });

    it('rejects a DM with only the caller in it with 400', async () => {
      expectError(await openDm(alice, [alice.id]), 400, 'BAD_REQUEST');
    });

    it('answers 404 when one of the people does not exist', async () => {
      expectError(await openDm(alice, [bob.id, randomUUID()]), 404, 'NOT_FOUND');
    });

    it('requires an access token', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/dms',
        payload: { userIds: [bob.id] },
      });
      expectError(response, 401, 'UNAUTHORIZED');
    });
  });

  describe('PUT and DELETE /api/channels/:id/mute', () => {
    const mute = (user: RegisteredUser, channelId: string, method: 'PUT' | 'DELETE') =>
      t.app.inject({ method, url: `/api/channels/${channelId}/mute`, headers: user.auth });
    const channelAs = async (user: RegisteredUser, channelId: string) =>
      channelOf(await get(user, `/api/channels/${channelId}`));

    it('mutes and unmutes with 204 and no body, again and again', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      for (const method of ['PUT', 'PUT'] as const) {
        const response = await mute(alice, channel.id, method);
        expect(response.statusCode, response.body).toBe(204);
        expect(response.body).toBe('');
      }
      expect((await channelAs(alice, channel.id)).muted).toBe(true);
      expect((await channelAs(bob, channel.id)).muted).toBe(false);
      for (const method of ['DELETE', 'DELETE'] as const)
        expect((await mute(alice, channel.id, method)).statusCode).toBe(204);
      expect((await channelAs(alice, channel.id)).muted).toBe(false);
    });

    it('answers 403 to a non-member of a public channel', async () => {
      const channel = await createChannel(t.app, alice);
      expectError(await mute(carol, channel.id, 'PUT'), 403, 'FORBIDDEN');
      expect(await channelAs(carol, channel.id)).not.toHaveProperty('muted');
    });

    it('answers 404 for a private channel of others and for no channel at all', async () => {
      const hidden = await createChannel(t.app, alice, { isPrivate: true });
      expectError(await mute(carol, hidden.id, 'PUT'), 404, 'NOT_FOUND');
      expectError(await mute(carol, randomUUID(), 'DELETE'), 404, 'NOT_FOUND');
    });

    it('answers 400 for an id that is not a UUID, and 401 without a token', async () => {
      expectValidationError(await mute(alice, 'general', 'PUT'), 'id');
      const anonymous = await t.app.inject({
        method: 'PUT',
        url: `/api/channels/${randomUUID()}/mute`,
      });
      expectError(anonymous, 401, 'UNAUTHORIZED');
    });
  });
});
