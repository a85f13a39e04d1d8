// REST reactions, pins and channel topics (API.md), malformed input, and who may use them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createChannel,
  expectError,
  expectValidationError,
  memberChannelKeys,
  messageKeys,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type ChannelBody,
  type MessageBody,
  type Payload,
  type RegisteredUser,
  type TestApp,
} from './helpers.js';

describe.each(testDatabaseKinds())('REST reactions, pins and topics on %s', (kind) => {
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

  const reaction = (
    method: 'PUT' | 'DELETE',
    user: RegisteredUser,
    messageId: string,
    emoji: string,
  ) =>
    t.app.inject({
      method,
      url: `/api/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`,
      headers: user.auth,
    });
  const pin = (method: 'PUT' | 'DELETE', user: RegisteredUser, messageId: string) =>
    t.app.inject({ method, url: `/api/messages/${messageId}/pin`, headers: user.auth });
  const pins = (user: RegisteredUser, channelId: string) =>
    t.app.inject({ method: 'GET', url: `/api/channels/${channelId}/pins`, headers: user.auth });
  const patch = (user: RegisteredUser, channelId: string, payload: Payload) =>
    t.app.inject({
      method: 'PATCH',
      url: `/api/channels/${channelId}`,
      headers: user.auth,
      payload,
    });
  const messageOf = (response: { json: <T>() => T }) =>
    response.json<{ message: MessageBody }>().message;

  describe('reactions', () => {
    it('PUT and DELETE are idempotent and answer the message with its reactions', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      const message = await sendMessage(t.app, alice, channel.id);
      const family = '👨‍👩‍👧‍👦'; // 7 code points, 11 UTF-16 units
      for (let i = 0; i < 2; i++) {
        const added = await reaction('PUT', bob, message.id, family);
        expect(added.statusCode, added.body).toBe(200);
        expect(Object.keys(messageOf(added)).sort()).toEqual(messageKeys);
        expect(messageOf(added).reactions).toEqual([
          { emoji: family, count: 1, userIds: [bob.id] },
        ]);
      }
      // a slash inside an emoji (encoded) is part of it, not of the path
      const slash = await reaction('PUT', alice, message.id, 'a/b');
      expect(messageOf(slash).reactions.map((r) => r.emoji)).toEqual([family, 'a/b']);
      for (let i = 0; i < 2; i++) {
        const removed = await reaction('DELETE', bob, message.id, family);
        expect(removed.statusCode).toBe(200);
        expect(messageOf(removed).reactions).toEqual([
          { emoji: 'a/b', count: 1, userIds: [alice.id] },
        ]);
      }
      const history = await t.app.inject({
        method: 'GET',
        url: `/api/channels/${channel.id}/messages`,
        headers: bob.auth,
      });
      expect(history.json<{ items: MessageBody[] }>().items[0]?.reactions).toEqual([
        { emoji: 'a/b', count: 1, userIds: [alice.id] },
      ]);
    });

    it('refuses a bad emoji, a 33-character one and the 51st, with 400 and nothing stored', async () => {
      const channel = await createChannel(t.app, alice);
      const message = await sendMessage(t.app, alice, channel.id);
      expectValidationError(await reaction('PUT', alice, message.id, 'x'.repeat(33)), 'emoji');
      expectValidationError(await reaction('PUT', alice, message.id, 'two words'), 'emoji');
      expectValidationError(await reaction('PUT', alice, message.id, '\u0000'), 'emoji');
      for (const raw of ['%ED%A0%BD', '%E0%A4%A', '%F0%9F'])
        expectError(
          await t.app.inject({
            method: 'PUT',
            url: `/api/messages/${message.id}/reactions/${raw}`,
            headers: alice.auth,
          }),
          400,
          'BAD_REQUEST',
        );
      expect((await reaction('PUT', alice, message.id, '🙂'.repeat(32))).statusCode).toBe(200);
      expectValidationError(await reaction('PUT', alice, 'not-a-uuid', '👍'), 'id');
      for (let i = 1; i < 50; i++) await reaction('PUT', alice, message.id, `e${i}`);
      const limit = await reaction('PUT', alice, message.id, 'e50');
      expectError(limit, 400, 'BAD_REQUEST');
      const history = await t.app.inject({
        method: 'GET',
        url: `/api/channels/${channel.id}/messages`,
        headers: alice.auth,
      });
      expect(history.json<{ items: MessageBody[] }>().items[0]?.reactions).toHaveLength(50);
      expectError(await reaction('PUT', alice, randomUUID(), '👍'), 404, 'NOT_FOUND');
      expectError(await reaction('DELETE', alice, randomUUID(), '👍'), 404, 'NOT_FOUND');
      expectError(await reaction('PUT', bob, message.id, '👍'), 403, 'FORBIDDEN');
    });
  });

  describe('pins', () => {
    it('pins and unpins idempotently; the list has the newest pin first', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      const first = await sendMessage(t.app, alice, channel.id, 'first');
      const second = await sendMessage(t.app, alice, channel.id, 'second');
      const pinned = await pin('PUT', bob, first.id);
      expect(pinned.statusCode).toBe(200);
      expect(messageOf(pinned).pinnedAt).toMatch(/Z$/);
      expect(messageOf(await pin('PUT', bob, first.id)).pinnedAt).toBe(messageOf(pinned).pinnedAt);
      await pin('PUT', alice, second.id);
      const list = await pins(carol, channel.id);
      expect(list.statusCode).toBe(200);
      expect(list.json<{ items: MessageBody[] }>().items.map((m) => m.content)).toEqual([
        'second',
        'first',
      ]);
      for (let i = 0; i < 2; i++)
        expect(messageOf(await pin('DELETE', alice, second.id)).pinnedAt).toBeNull();
      expect(
        (await pins(alice, channel.id)).json<{ items: MessageBody[] }>().items.map((m) => m.id),
      ).toEqual([first.id]);
      expectError(await pin('PUT', alice, randomUUID()), 404, 'NOT_FOUND');
      expectError(await pins(alice, randomUUID()), 404, 'NOT_FOUND');
      expectValidationError(await pins(alice, 'nope'), 'id');
      expectError(await pin('PUT', carol, first.id), 403, 'FORBIDDEN');
    });
  });

  describe('PATCH /api/channels/:id', () => {
    it('sets and clears the topic (any member) and renames (the creator only)', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      const set = await patch(bob, channel.id, { topic: '  Release planning  ' });
      expect(set.statusCode, set.body).toBe(200);
      const body = set.json<{ channel: ChannelBody }>().channel;
      expect(Object.keys(body).sort()).toEqual(memberChannelKeys);
      expect(body.topic).toBe('Release planning');
      expectError(await patch(bob, channel.id, { name: 'mine' }), 403, 'FORBIDDEN');
      const renamed = await patch(alice, channel.id, { name: 'renamed' });
      expect(renamed.json<{ channel: ChannelBody }>().channel).toMatchObject({
        name: 'renamed',
        topic: 'Release planning',
      });
      expect(
        (await patch(bob, channel.id, { topic: '' })).json<{ channel: ChannelBody }>().channel
          .topic,
      ).toBeNull();
      await patch(bob, channel.id, { topic: 'again' });
      expect(
        (await patch(bob, channel.id, { topic: null })).json<{ channel: ChannelBody }>().channel
          .topic,
      ).toBeNull();
      expect((await patch(bob, channel.id, { topic: 'x'.repeat(250) })).statusCode).toBe(200);
    });

    it('refuses malformed bodies with 400', async () => {
      const channel = await createChannel(t.app, alice);
      expectValidationError(await patch(alice, channel.id, { topic: 'x'.repeat(251) }), 'topic');
      expectValidationError(await patch(alice, channel.id, { topic: 5 }), 'topic');
      expectValidationError(await patch(alice, channel.id, { name: '   ' }), 'name');
      expectValidationError(await patch(alice, channel.id, { name: 'x'.repeat(81) }), 'name');
      expectError(await patch(alice, channel.id, '{"topic":'), 400, 'BAD_REQUEST');
      expectError(await patch(carol, channel.id, { topic: 'hi' }), 403, 'FORBIDDEN');
      expectError(await patch(alice, randomUUID(), { topic: 'hi' }), 404, 'NOT_FOUND');
    });
  });

  describe('access matrix', () => {
    it('every new route is NOT_FOUND to an outsider of a private channel or DM, and works for a member', async () => {
      const secret = await createChannel(t.app, alice, { isPrivate: true, memberIds: [bob.id] });
      const dmResponse = await t.app.inject({
        method: 'POST',
        url: '/api/dms',
        headers: alice.auth,
        payload: { userIds: [bob.id] },
      });
      const dm = dmResponse.json<{ channel: ChannelBody }>().channel;
      for (const channel of [secret, dm]) {
        const message = await sendMessage(t.app, alice, channel.id);
        const routes = [
          (user: RegisteredUser) => reaction('PUT', user, message.id, '👍'),
          (user: RegisteredUser) => reaction('DELETE', user, message.id, '👍'),
          (user: RegisteredUser) => pin('PUT', user, message.id),
          (user: RegisteredUser) => pin('DELETE', user, message.id),
          (user: RegisteredUser) => pins(user, channel.id),
          (user: RegisteredUser) => patch(user, channel.id, { topic: 'ours' }),
        ];
        for (const route of routes) {
          expectError(await route(carol), 404, 'NOT_FOUND');
          expect((await route(bob)).statusCode).toBe(200);
        }
      }
    });
  });
});
