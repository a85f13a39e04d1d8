// REST messages: sending (with clientMsgId retries), history cursors, read marks, edit and delete.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createChannel,
  expectError,
  expectValidationError,
  isoTime,
  messageKeys,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type ChannelBody,
  type MessageBody,
  type RegisteredUser,
  type Payload,
  type TestApp,
} from './helpers.js';

interface History {
  items: MessageBody[];
  hasMore: boolean;
}

describe.each(testDatabaseKinds())('REST messages on %s', (kind) => {
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

  const send = (user: RegisteredUser, channelId: string, payload: Payload) =>
    t.app.inject({
      method: 'POST',
      url: `/api/channels/${channelId}/messages`,
      headers: user.auth,
      payload,
    });
  const history = (user: RegisteredUser, channelId: string, query = '') =>
    t.app.inject({
      method: 'GET',
      url: `/api/channels/${channelId}/messages${query}`,
      headers: user.auth,
    });
  const markRead = (user: RegisteredUser, channelId: string, payload: Payload) =>
    t.app.inject({
      method: 'POST',
      url: `/api/channels/${channelId}/read`,
      headers: user.auth,
      payload,
    });
  const edit = (user: RegisteredUser, messageId: string, payload: Payload) =>
    t.app.inject({
      method: 'PATCH',
      url: `/api/messages/${messageId}`,
      headers: user.auth,
      payload,
    });
  const remove = (user: RegisteredUser, messageId: string) =>
    t.app.inject({ method: 'DELETE', url: `/api/messages/${messageId}`, headers: user.auth });
  const seqs = (page: History) => page.items.map((m) => m.seq);
  const openDm = async (user: RegisteredUser, other: RegisteredUser) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/dms',
      headers: user.auth,
      payload: { userIds: [other.id] },
    });
    return response.json<{ channel: ChannelBody }>().channel;
  };

  describe('POST /api/channels/:id/messages', () => {
    it('answers 201 with the message, its seq counting from 1', async () => {
      const channel = await createChannel(t.app, alice);
      const response = await send(alice, channel.id, { content: '  hello world  ' });
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json<{ message: MessageBody }>();
      expect(Object.keys(body)).toEqual(['message']);
      expect(Object.keys(body.message).sort()).toEqual(messageKeys);
      expect(body.message).toMatchObject({
        channelId: channel.id,
        seq: 1,
        userId: alice.id,
        username: alice.username,
        content: 'hello world',
        editedAt: null,
        deleted: false,
        clientMsgId: null,
        reactions: [],
        attachments: [],
      });
      expect(body.message.createdAt).toMatch(isoTime);
      expect((await sendMessage(t.app, alice, channel.id, 'two')).seq).toBe(2);
      expect((await sendMessage(t.app, alice, channel.id, 'three')).seq).toBe(3);
    });

    it('returns 200 with the same message for a repeated clientMsgId, and stores it once', async () => {
      const channel = await createChannel(t.app, alice);
      const clientMsgId = `c-${randomUUID()}`;
      const first = await send(alice, channel.id, { content: 'once', clientMsgId });
      expect(first.statusCode).toBe(201);
      const original = first.json<{ message: MessageBody }>().message;
      expect(original.clientMsgId).toBe(clientMsgId);
      const again = await send(alice, channel.id, { content: 'once', clientMsgId });
      expect(again.statusCode).toBe(200);
      expect(again.json<{ message: MessageBody }>().message).toEqual(original);
      // even with other content, the retry is the first message
      const changed = await send(alice, channel.id, { content: 'twice?', clientMsgId });
      expect(changed.statusCode).toBe(200);
      expect(changed.json<{ message: MessageBody }>().message).toMatchObject({
        id: original.id,
        seq: original.seq,
      });
      const page = (await history(alice, channel.id)).json<History>();
      expect(page.items).toHaveLength(1);
      expect((await history(alice, channel.id)).json<History>().items[0]?.id).toBe(original.id);
      // the next message takes the next seq: the retries used none
      expect((await sendMessage(t.app, alice, channel.id, 'next')).seq).toBe(2);
    });

    it('answers concurrent retries of one clientMsgId with one message', async () => {
      const channel = await createChannel(t.app, alice);
      const clientMsgId = `c-${randomUUID()}`;
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => send(alice, channel.id, { content: 'race', clientMsgId })),
      );
      expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
      const ids = new Set(responses.map((r) => r.json<{ message: MessageBody }>().message.id));
      expect(ids.size).toBe(1);
      expect((await history(alice, channel.id)).json<History>().items).toHaveLength(1);
    });

    it('lets two users use the same clientMsgId independently', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      const clientMsgId = `c-${randomUUID()}`;
      const a = await send(alice, channel.id, { content: 'a', clientMsgId });
      const b = await send(bob, channel.id, { content: 'b', clientMsgId });
      expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
      expect(b.json<{ message: MessageBody }>().message.seq).toBe(2);
    });

    it('accepts 4000 characters and rejects 4001 with 400', async () => {
      const channel = await createChannel(t.app, alice);
      expect((await send(alice, channel.id, { content: 'x'.repeat(4000) })).statusCode).toBe(201);
      expectValidationError(
        await send(alice, channel.id, { content: 'x'.repeat(4001) }),
        'content',
      );
    });

    it.each([
      ['a missing content', {}, 'content'],
      ['an empty content', { content: '' }, 'content'],
      ['a content of only spaces', { content: ' \n\t ' }, 'content'],
      ['a content that is a number', { content: 42 }, 'content'],
      ['a content that is an object', { content: { text: 'hi' } }, 'content'],
      ['an empty clientMsgId', { content: 'x', clientMsgId: '' }, 'clientMsgId'],
      [
        'a clientMsgId over 128 characters',
        { content: 'x', clientMsgId: 'c'.repeat(129) },
        'clientMsgId',
      ],
      ['a clientMsgId that is a number', { content: 'x', clientMsgId: 7 }, 'clientMsgId'],
    ])('rejects %s with 400 and stores nothing', async (_name, payload, path) => {
      const channel = await createChannel(t.app, alice);
      expectValidationError(await send(alice, channel.id, payload), path);
      expect((await history(alice, channel.id)).json<History>().items).toEqual([]);
    });

    it('forbids posting in a public channel the caller has not joined', async () => {
      const channel = await createChannel(t.app, alice);
      expectError(await send(bob, channel.id, { content: 'hi' }), 403, 'FORBIDDEN');
    });

    it('hides a private channel and a DM from a non-member who posts', async () => {
      const channel = await createChannel(t.app, alice, { isPrivate: true });
      expectError(await send(bob, channel.id, { content: 'hi' }), 404, 'NOT_FOUND');
      const dm = await openDm(alice, bob);
      expectError(await send(carol, dm.id, { content: 'hi' }), 404, 'NOT_FOUND');
      expect((await history(alice, dm.id)).json<History>().items).toEqual([]);
    });

    it('answers 404 for an unknown channel and 400 for a bad id', async () => {
      expectError(await send(alice, randomUUID(), { content: 'hi' }), 404, 'NOT_FOUND');
      expectValidationError(await send(alice, 'nope', { content: 'hi' }), 'id');
    });

    it('requires an access token', async () => {
      const channel = await createChannel(t.app, alice);
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/channels/${channel.id}/messages`,
        payload: { content: 'hi' },
      });
      expectError(response, 401, 'UNAUTHORIZED');
    });
  });

  describe('GET /api/channels/:id/messages', () => {
    let channel: ChannelBody;
    beforeAll(async () => {
      channel = await createChannel(t.app, alice);
      for (let i = 1; i <= 7; i++) await sendMessage(t.app, alice, channel.id, `m${i}`);
    });

    it('answers 200 with the newest messages, ascending, when no cursor is given', async () => {
      const response = await history(alice, channel.id, '?limit=3');
      expect(response.statusCode).toBe(200);
      const page = response.json<History>();
      expect(Object.keys(page).sort()).toEqual(['hasMore', 'items']);
      expect(seqs(page)).toEqual([5, 6, 7]);
      expect(page.items.map((m) => m.content)).toEqual(['m5', 'm6', 'm7']);
      expect(page.hasMore).toBe(true);
      for (const message of page.items) expect(Object.keys(message).sort()).toEqual(messageKeys);
    });

    it('gives the whole history with hasMore false when it fits', async () => {
      const page = (await history(alice, channel.id)).json<History>();
      expect(seqs(page)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(page.hasMore).toBe(false);
      expect(seqs((await history(alice, channel.id, '?limit=7')).json<History>())).toHaveLength(7);
      expect((await history(alice, channel.id, '?limit=7')).json<History>().hasMore).toBe(false);
    });

    it('gives the newest messages below `before`, ascending', async () => {
      const page = (await history(alice, channel.id, '?before=5&limit=2')).json<History>();
      expect(seqs(page)).toEqual([3, 4]);
      expect(page.hasMore).toBe(true);
      const last = (await history(alice, channel.id, '?before=3&limit=2')).json<History>();
      expect(seqs(last)).toEqual([1, 2]);
      expect(last.hasMore).toBe(false);
      expect((await history(alice, channel.id, '?before=1')).json<History>()).toEqual({
        items: [],
        hasMore: false,
      });
    });

    it('gives the oldest messages above `after`, ascending', async () => {
      const page = (await history(alice, channel.id, '?after=2&limit=3')).json<History>();
      expect(seqs(page)).toEqual([3, 4, 5]);
      expect(page.hasMore).toBe(true);
      const last = (await history(alice, channel.id, '?after=5&limit=3')).json<History>();
      expect(seqs(last)).toEqual([6, 7]);
      expect(last.hasMore).toBe(false);
      expect(seqs((await history(alice, channel.id, '?after=0&limit=2')).json<History>())).toEqual([
        1, 2,
      ]);
      expect((await history(alice, channel.id, '?after=7')).json<History>()).toEqual({
        items: [],
        hasMore: false,
      });
    });

    it('lets anyone read a public channel, and a member read an empty one', async () => {
      expect(seqs((await history(carol, channel.id, '?limit=1')).json<History>())).toEqual([7]);
      const empty = await createChannel(t.app, bob);
      expect((await history(bob, empty.id)).json<History>()).toEqual({ items: [], hasMore: false });
    });

    it('hides the history of a private channel and of a DM from a non-member', async () => {
      const secret = await createChannel(t.app, alice, { isPrivate: true });
      await sendMessage(t.app, alice, secret.id, 'secret');
      expectError(await history(bob, secret.id), 404, 'NOT_FOUND');
      const dm = await openDm(alice, bob);
      await sendMessage(t.app, alice, dm.id, 'between us');
      expectError(await history(carol, dm.id), 404, 'NOT_FOUND');
      expect(seqs((await history(bob, dm.id)).json<History>())).toEqual([1]);
    });

    it('rejects `before` and `after` together with 400', async () => {
      expectError(await history(alice, channel.id, '?before=5&after=2'), 400, 'BAD_REQUEST');
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['before=abc', 'before'],
      ['before=-1', 'before'],
      ['after=1.5', 'after'],
      ['after=99999999999999999999', 'after'],
      // an empty cursor is a client bug, not "before seq 0"
      ['before=', 'before'],
      ['after=%20', 'after'],
    ])('rejects ?%s with 400', async (query, path) => {
      expectValidationError(await history(alice, channel.id, `?${query}`), path);
    });

    it('answers 404 for an unknown channel and 400 for a bad id', async () => {
      expectError(await history(alice, randomUUID()), 404, 'NOT_FOUND');
      expectValidationError(await history(alice, 'general'), 'id');
    });
  });

  describe('POST /api/channels/:id/read', () => {
    it('answers 200 with the read mark, which never moves backwards nor past the last message', async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      for (let i = 0; i < 4; i++) await sendMessage(t.app, alice, channel.id, `m${i}`);
      const first = await markRead(bob, channel.id, { seq: 2 });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toEqual({ lastReadSeq: 2 });
      expect((await markRead(bob, channel.id, { seq: 1 })).json()).toEqual({ lastReadSeq: 2 });
      expect((await markRead(bob, channel.id, { seq: 99 })).json()).toEqual({ lastReadSeq: 4 });
      const view = (
        await t.app.inject({ method: 'GET', url: `/api/channels/${channel.id}`, headers: bob.auth })
      ).json<{
        channel: ChannelBody;
      }>();
      expect(view.channel).toMatchObject({ lastReadSeq: 4, unreadCount: 0 });
    });

    it('hides a private channel and a DM from a non-member who marks it read', async () => {
      const channel = await createChannel(t.app, alice, { isPrivate: true });
      expectError(await markRead(bob, channel.id, { seq: 1 }), 404, 'NOT_FOUND');
      const dm = await openDm(alice, bob);
      expectError(await markRead(carol, dm.id, { seq: 1 }), 404, 'NOT_FOUND');
    });

    it('forbids marking a public channel the caller has not joined', async () => {
      const channel = await createChannel(t.app, alice);
      expectError(await markRead(bob, channel.id, { seq: 0 }), 403, 'FORBIDDEN');
    });

    it.each([
      ['a missing seq', {}],
      ['a negative seq', { seq: -1 }],
      ['a fractional seq', { seq: 1.5 }],
      ['a seq that is no number', { seq: 'latest' }],
      // a JSON body has real numbers: nothing else is silently turned into one
      ['a seq of true', { seq: true }],
      ['a seq of null', { seq: null }],
      ['a seq that is an empty string', { seq: '' }],
      ['a seq that is a list', { seq: [5] }],
    ])('rejects %s with 400', async (_name, payload) => {
      const channel = await createChannel(t.app, alice);
      expectValidationError(await markRead(alice, channel.id, payload), 'seq');
    });

    it('answers 404 for an unknown channel and 400 for a bad id', async () => {
      expectError(await markRead(alice, randomUUID(), { seq: 1 }), 404, 'NOT_FOUND');
      expectValidationError(await markRead(alice, 'general', { seq: 1 }), 'id');
    });
  });

  describe('PATCH /api/messages/:id', () => {
    it('lets the author edit and answers 200 with the message, editedAt set', async () => {
      const channel = await createChannel(t.app, alice);
      const message = await sendMessage(t.app, alice, channel.id, 'draft');
      const response = await edit(alice, message.id, { content: '  final  ' });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<{ message: MessageBody }>();
      expect(Object.keys(body)).toEqual(['message']);
      expect(Object.keys(body.message).sort()).toEqual(messageKeys);
      expect(body.message).toMatchObject({
        id: message.id,
        seq: message.seq,
        content: 'final',
        deleted: false,
      });
      expect(body.message.editedAt).toMatch(isoTime);
      const page = (await history(alice, channel.id)).json<History>();
      expect(page.items[0]).toMatchObject({ content: 'final', editedAt: body.message.editedAt });
    });

    it("forbids editing someone else's message", async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      const message = await sendMessage(t.app, alice, channel.id, 'mine');
      expectError(await edit(bob, message.id, { content: 'yours now' }), 403, 'FORBIDDEN');
      expect((await history(alice, channel.id)).json<History>().items[0]?.content).toBe('mine');
    });

    it('hides a message in a private channel or DM from a non-member', async () => {
      const channel = await createChannel(t.app, alice, { isPrivate: true });
      const message = await sendMessage(t.app, alice, channel.id, 'secret');
      const hidden = expectError(await edit(bob, message.id, { content: 'x' }), 404, 'NOT_FOUND');
      expect(
        expectError(await edit(bob, randomUUID(), { content: 'x' }), 404, 'NOT_FOUND'),
      ).toEqual(hidden);
      const dm = await openDm(alice, bob);
      const dmMessage = await sendMessage(t.app, alice, dm.id, 'between us');
      expectError(await edit(carol, dmMessage.id, { content: 'x' }), 404, 'NOT_FOUND');
    });

    it('answers 404 for a deleted message', async () => {
      const channel = await createChannel(t.app, alice);
      const message = await sendMessage(t.app, alice, channel.id, 'gone soon');
      await remove(alice, message.id);
      expectError(await edit(alice, message.id, { content: 'back?' }), 404, 'NOT_FOUND');
    });

    it('rejects bad content and a bad id with 400', async () => {
      const channel = await createChannel(t.app, alice);
      const message = await sendMessage(t.app, alice, channel.id, 'ok');
      expectValidationError(await edit(alice, message.id, { content: '' }), 'content');
      expectValidationError(
        await edit(alice, message.id, { content: 'x'.repeat(4001) }),
        'content',
      );
      expectValidationError(await edit(alice, message.id, {}), 'content');
      expectValidationError(await edit(alice, 'not-an-id', { content: 'x' }), 'id');
    });
  });

  describe('DELETE /api/messages/:id', () => {
    it('lets the author delete: 204, and the seq stays with empty content and deleted true', async () => {
      const channel = await createChannel(t.app, alice);
      const first = await sendMessage(t.app, alice, channel.id, 'one');
      await sendMessage(t.app, alice, channel.id, 'two');
      const response = await remove(alice, first.id);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      const page = (await history(alice, channel.id)).json<History>();
      expect(seqs(page)).toEqual([1, 2]);
      expect(page.items[0]).toMatchObject({ id: first.id, seq: 1, content: '', deleted: true });
      expect(JSON.stringify(page)).not.toContain('"one"');
      // deleting again changes nothing
      expect((await remove(alice, first.id)).statusCode).toBe(204);
    });

    it("lets the channel's creator delete someone else's message", async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
      const message = await sendMessage(t.app, bob, channel.id, 'spam');
      expect((await remove(alice, message.id)).statusCode).toBe(204);
      expect((await history(alice, channel.id)).json<History>().items[0]).toMatchObject({
        deleted: true,
      });
    });

    it("forbids a member who is not the creator to delete someone else's message", async () => {
      const channel = await createChannel(t.app, alice, { memberIds: [bob.id, carol.id] });
      const message = await sendMessage(t.app, alice, channel.id, 'keep');
      expectError(await remove(bob, message.id), 403, 'FORBIDDEN');
      const other = await sendMessage(t.app, carol, channel.id, 'keep too');
      expectError(await remove(bob, other.id), 403, 'FORBIDDEN');
      expect(
        (await history(alice, channel.id)).json<History>().items.every((m) => !m.deleted),
      ).toBe(true);
    });

    it('hides a message in a private channel or DM from a non-member', async () => {
      const channel = await createChannel(t.app, alice, { isPrivate: true });
      const message = await sendMessage(t.app, alice, channel.id, 'secret');
      expectError(await remove(bob, message.id), 404, 'NOT_FOUND');
      const dm = await openDm(alice, bob);
      const dmMessage = await sendMessage(t.app, alice, dm.id, 'between us');
      expectError(await remove(carol, dmMessage.id), 404, 'NOT_FOUND');
    });

    it('answers 404 for an unknown message and 400 for a bad id', async () => {
      expectError(await remove(alice, randomUUID()), 404, 'NOT_FOUND');
      expectValidationError(await remove(alice, 'nope'), 'id');
    });
  });
});
