// /ws over real sockets: who receives a channel's messages and events, following joins and
// leaves as they happen; acks before one's own message; read marks.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { messagesService } from '@chat/api/server';
import {
  createChannel,
  messageKeys,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type ChannelBody,
  type RegisteredUser,
} from './helpers.js';
import {
  closeAllClients,
  eventually,
  ofType,
  startTestServer,
  WsClient,
  type Frame,
  type TestServer,
} from './ws-client.js';

describe.each(testDatabaseKinds())('/ws delivery on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;

  beforeAll(async () => {
    server = await startTestServer(kind);
    [alice, bob, carol] = await Promise.all([
      registerUser(server.app),
      registerUser(server.app),
      registerUser(server.app),
    ]);
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  const connect = (user: RegisteredUser) => WsClient.ready(server, user.accessToken);
  const join = async (user: RegisteredUser, channelId: string, body: object = {}) => {
    const response = await server.app.inject({
      method: 'POST',
      url: `/api/channels/${channelId}/members`,
      headers: user.auth,
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
  };
  const leave = async (user: RegisteredUser, channelId: string) => {
    const response = await server.app.inject({
      method: 'DELETE',
      url: `/api/channels/${channelId}/members/me`,
      headers: user.auth,
    });
    expect(response.statusCode, response.body).toBe(204);
  };
  const contentOf = (content: string) => (frame: Frame) =>
    frame.type === 'message' && frame.content === content;

  /** Asserts that `client` has no frame matching, after a round trip flushed what was in flight. */
  const expectNothing = async (client: WsClient, matches: (frame: Frame) => boolean) => {
    await client.roundTrip();
    expect(client.received(matches)).toEqual([]);
  };

  describe('messages reach the members of their channel, and only them', () => {
    it('delivers to every connection of every member (a second connection too), never to a non-member', async () => {
      const channel = await createChannel(server.app, alice);
      await join(bob, channel.id);
      const [aliceWs, bobWs, bobWs2, carolWs] = await Promise.all([
        connect(alice),
        connect(bob),
        connect(bob),
        connect(carol),
      ]);
      const sent = await sendMessage(server.app, alice, channel.id, 'to the members');
      for (const client of [aliceWs, bobWs, bobWs2]) {
        const frame = await client.next(contentOf('to the members'));
        expect(Object.keys(frame).sort()).toEqual(
          [...messageKeys, 'channel', 'timestamp', 'type'].sort(),
        );
        expect(frame).toMatchObject({ ...sent, type: 'message', channel: channel.id });
      }
      await expectNothing(carolWs, ofType('message'));
    });

    it('keeps a private channel to its members', async () => {
      const channel = await createChannel(server.app, alice, {
        isPrivate: true,
        memberIds: [bob.id],
      });
      const [bobWs, carolWs] = await Promise.all([connect(bob), connect(carol)]);
      await sendMessage(server.app, alice, channel.id, 'secret');
      await bobWs.next(contentOf('secret'));
      await expectNothing(carolWs, ofType('message'));
    });

    it('keeps a DM to its two people', async () => {
      const [aliceWs, bobWs, carolWs] = await Promise.all([
        connect(alice),
        connect(bob),
        connect(carol),
      ]);
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/dms',
        headers: alice.auth,
        payload: { userIds: [bob.id] },
      });
      const dm = response.json<{ channel: ChannelBody }>().channel;
      // Both learn of the new DM on their open sockets, and hear it from then on.
      await bobWs.next(ofType('join', { channel: dm.id, userId: bob.id }));
      await sendMessage(server.app, alice, dm.id, 'just us');
      await aliceWs.next(contentOf('just us'));
      await bobWs.next(contentOf('just us'));
      await expectNothing(carolWs, (frame) => frame.channel === dm.id);
    });
  });

  describe('joins and leaves change delivery at once, on every open socket', () => {
    it('stops delivering a channel the moment the user leaves it through REST; members see the leave', async () => {
      const channel = await createChannel(server.app, alice);
      await join(bob, channel.id);
      const [aliceWs, bobWs, bobWs2] = await Promise.all([
        connect(alice),
        connect(bob),
        connect(bob),
      ]);
      await sendMessage(server.app, alice, channel.id, 'before leaving');
      await bobWs.next(contentOf('before leaving'));
      await bobWs2.next(contentOf('before leaving'));

      await leave(bob, channel.id);
      const leaveFrame = { channel: channel.id, userId: bob.id, username: bob.username };
      await aliceWs.next(ofType('leave', leaveFrame));
      await bobWs.next(ofType('leave', leaveFrame));
      await bobWs2.next(ofType('leave', leaveFrame));

      await sendMessage(server.app, alice, channel.id, 'after leaving');
      await aliceWs.next(contentOf('after leaving'));
      await expectNothing(bobWs, contentOf('after leaving'));
      await expectNothing(bobWs2, contentOf('after leaving'));
    });

    it('starts delivering a channel the moment the user joins it through REST; members see the join', async () => {
      const channel = await createChannel(server.app, alice);
      await sendMessage(server.app, alice, channel.id, 'history, not news');
      const [aliceWs, carolWs, carolWs2] = await Promise.all([
        connect(alice),
        connect(carol),
        connect(carol),
      ]);

      await join(carol, channel.id);
      // no waiting for the join frame: the very next message must arrive on both sockets
      await sendMessage(server.app, alice, channel.id, 'welcome');
      const joinFrame = { channel: channel.id, userId: carol.id, username: carol.username };
      await aliceWs.next(ofType('join', joinFrame));
      for (const client of [carolWs, carolWs2]) {
        await client.next(ofType('join', joinFrame));
        await client.next(contentOf('welcome'));
        expect(client.received(contentOf('history, not news'))).toEqual([]);
      }
    });

    it('follows join and leave frames sent on the socket', async () => {
      const channel = await createChannel(server.app, alice);
      const [aliceWs, carolWs, carolWs2] = await Promise.all([
        connect(alice),
        connect(carol),
        connect(carol),
      ]);

      carolWs.send({ type: 'join', channel: channel.id });
      await carolWs.next(ofType('join', { channel: channel.id, userId: carol.id }));
      await aliceWs.next(ofType('join', { channel: channel.id, userId: carol.id }));
      await sendMessage(server.app, alice, channel.id, 'hello carol');
      await carolWs.next(contentOf('hello carol'));
      await carolWs2.next(contentOf('hello carol'));

      carolWs.send({ type: 'leave', channel: channel.id });
      await carolWs.next(ofType('leave', { channel: channel.id, userId: carol.id }));
      await carolWs2.next(ofType('leave', { channel: channel.id, userId: carol.id }));
      await aliceWs.next(ofType('leave', { channel: channel.id, userId: carol.id }));
      await sendMessage(server.app, alice, channel.id, 'carol is gone');
      await aliceWs.next(contentOf('carol is gone'));
      await expectNothing(carolWs, contentOf('carol is gone'));
      await expectNothing(carolWs2, contentOf('carol is gone'));
    });

    it('stops delivering to a member the channel creator removes', async () => {
      const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
      const [aliceWs, bobWs] = await Promise.all([connect(alice), connect(bob)]);
      const response = await server.app.inject({
        method: 'DELETE',
        url: `/api/channels/${channel.id}/members/${bob.id}`,
        headers: alice.auth,
      });
      expect(response.statusCode).toBe(204);
      await bobWs.next(ofType('leave', { channel: channel.id, userId: bob.id }));
      await sendMessage(server.app, alice, channel.id, 'bob was removed');
      await aliceWs.next(contentOf('bob was removed'));
      await expectNothing(bobWs, contentOf('bob was removed'));
    });

    it('starts delivering to a user someone else added to a private channel', async () => {
      const channel = await createChannel(server.app, alice, { isPrivate: true });
      const carolWs = await connect(carol);
      await join(alice, channel.id, { userId: carol.id });
      await sendMessage(server.app, alice, channel.id, 'you are in');
      await carolWs.next(ofType('join', { channel: channel.id, userId: carol.id }));
      await carolWs.next(contentOf('you are in'));
    });
  });

  describe('message frames', () => {
    it('acks the sender before delivering the message to the sender, with clientMsgId, id, seq and channel', async () => {
      const channel = await createChannel(server.app, alice);
      await join(bob, channel.id);
      const [aliceWs, bobWs] = await Promise.all([connect(alice), connect(bob)]);
      const ids = Array.from({ length: 10 }, (_, i) => `ordered-${i}`);
      // a second writer interleaves, so the sender's channel is busy while it sends
      const others = Promise.all(
        ids.map((_, i) => sendMessage(server.app, bob, channel.id, `from bob ${i}`)),
      );
      for (const [i, clientMsgId] of ids.entries()) {
        aliceWs.send({
          type: 'message',
          channel: channel.id,
          content: `from alice ${i}`,
          clientMsgId,
        });
      }
      await others;
      for (const clientMsgId of ids) {
        const ack = await aliceWs.waitFor(ofType('ack', { clientMsgId }));
        const message = await aliceWs.waitFor(ofType('message', { clientMsgId }));
        expect(aliceWs.frames.indexOf(ack)).toBeLessThan(aliceWs.frames.indexOf(message));
        expect(ack).toMatchObject({
          clientMsgId,
          id: message.id,
          seq: message.seq,
          channel: channel.id,
        });
        await bobWs.waitFor(ofType('message', { clientMsgId, id: message.id }));
      }
      // the acks come in the order the frames were sent
      const acks = aliceWs.received(ofType('ack')).map((f) => f.clientMsgId);
      expect(acks).toEqual(ids);
      await aliceWs.waitForCount(ofType('message', { channel: channel.id }), 20);
      const seqs = aliceWs.messages(channel.id).map((m) => m.seq);
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('acks a repeated clientMsgId again with the same id and seq, and delivers the message once', async () => {
      const channel = await createChannel(server.app, alice);
      await join(bob, channel.id);
      const [aliceWs, aliceWs2, bobWs] = await Promise.all([
        connect(alice),
        connect(alice),
        connect(bob),
      ]);
      const frame = {
        type: 'message',
        channel: channel.id,
        content: 'only once',
        clientMsgId: 'retry-1',
      };
      aliceWs.send(frame);
      const first = await aliceWs.next(ofType('ack', { clientMsgId: 'retry-1' }));
      aliceWs.send(frame);
      const second = await aliceWs.next(ofType('ack', { clientMsgId: 'retry-1' }));
      expect(second).toMatchObject({ id: first.id, seq: first.seq, channel: channel.id });
      // also through REST: the same message, not a second one
      const response = await server.app.inject({
        method: 'POST',
        url: `/api/channels/${channel.id}/messages`,
        headers: alice.auth,
        payload: { content: 'only once', clientMsgId: 'retry-1' },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json<{ message: { id: string } }>().message.id).toBe(first.id);

      await sendMessage(server.app, alice, channel.id, 'marker');
      for (const client of [aliceWs, aliceWs2, bobWs]) {
        await client.waitFor(contentOf('marker'));
        await client.roundTrip();
        expect(client.received(contentOf('only once'))).toHaveLength(1);
      }
    });

    it('sends a mention frame only to the mentioned user', async () => {
      const channel = await createChannel(server.app, alice);
      await join(bob, channel.id);
      await join(carol, channel.id);
      const [aliceWs, bobWs, carolWs] = await Promise.all([
        connect(alice),
        connect(bob),
        connect(carol),
      ]);
      const sent = await sendMessage(server.app, alice, channel.id, `hey @${bob.username} look`);
      const mention = await bobWs.next(ofType('mention', { channel: channel.id }));
      expect(mention.message).toMatchObject({ id: sent.id, seq: sent.seq });
      await carolWs.waitFor(ofType('message', { id: sent.id }));
      await expectNothing(carolWs, ofType('mention'));
      await expectNothing(aliceWs, ofType('mention'));
    });
  });

  describe('order', () => {
    it("delivers a channel's messages to every connection in seq order, with no gap, under concurrent writers", async () => {
      const channel = await createChannel(server.app, alice, { memberIds: [bob.id, carol.id] });
      const readers = await Promise.all([
        connect(alice),
        connect(bob),
        connect(carol),
        connect(carol),
      ]);
      const writers = [alice, bob, carol].map(async (writer) => {
        for (let i = 0; i < 15; i++)
          await sendMessage(server.app, writer, channel.id, `${writer.username} ${i}`);
      });
      await Promise.all(writers);
      for (const reader of readers) {
        await reader.waitForCount(ofType('message', { channel: channel.id }), 45);
        expect(reader.messages(channel.id).map((m) => m.seq)).toEqual(
          Array.from({ length: 45 }, (_, i) => i + 1),
        );
      }
    });

    it('still delivers a committed message whose publish was lost, in order, once the next one shows the gap', async () => {
      const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
      const bobWs = await connect(bob);
      await sendMessage(server.app, alice, channel.id, 'one');
      // committed, but the event never goes out (as if the broker dropped it)
      const silent = { ...server.runtime.deps, events: { publish: () => Promise.resolve() } };
      await messagesService.sendMessage(
        silent,
        { userId: alice.id, username: alice.username },
        { channelId: channel.id, content: 'two' },
      );
      await sendMessage(server.app, alice, channel.id, 'three');
      await bobWs.waitForCount(ofType('message', { channel: channel.id }), 3);
      expect(bobWs.messages(channel.id).map((m) => [m.seq, m.content])).toEqual([
        [1, 'one'],
        [2, 'two'],
        [3, 'three'],
      ]);
    });
  });

  describe('edits, deletions and reactions', () => {
    it('tells the members of edits and deletions (message_updated, message_deleted) and reactions', async () => {
      const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
      const [aliceWs, bobWs, carolWs] = await Promise.all([
        connect(alice),
        connect(bob),
        connect(carol),
      ]);
      const sent = await sendMessage(server.app, alice, channel.id, 'first draft');
      const edited = await server.app.inject({
        method: 'PATCH',
        url: `/api/messages/${sent.id}`,
        headers: alice.auth,
        payload: { content: 'final' },
      });
      expect(edited.statusCode).toBe(200);
      const updated = await bobWs.next(ofType('message_updated', { channel: channel.id }));
      expect(updated.message).toMatchObject({ id: sent.id, seq: sent.seq, content: 'final' });

      bobWs.send({ type: 'reaction', messageId: sent.id, emoji: '👍', op: 'add' });
      const reaction = {
        channel: channel.id,
        messageId: sent.id,
        emoji: '👍',
        userId: bob.id,
        op: 'add',
      };
      await aliceWs.next(ofType('reaction', reaction));
      await bobWs.next(ofType('reaction', reaction));

      const removed = await server.app.inject({
        method: 'DELETE',
        url: `/api/messages/${sent.id}`,
        headers: alice.auth,
      });
      expect(removed.statusCode).toBe(204);
      const deleted = await bobWs.next(ofType('message_deleted', { channel: channel.id }));
      expect(deleted.message).toMatchObject({
        id: sent.id,
        seq: sent.seq,
        deleted: true,
        content: '',
      });
      await aliceWs.next(ofType('message_deleted', { channel: channel.id }));
      await expectNothing(carolWs, (frame) => frame.channel === channel.id);
    });

    it('refuses a reaction to a message of a channel the user is not in, with NOT_FOUND', async () => {
      const channel = await createChannel(server.app, alice, { isPrivate: true });
      const sent = await sendMessage(server.app, alice, channel.id, 'private');
      const carolWs = await connect(carol);
      carolWs.send({ type: 'reaction', messageId: sent.id, emoji: '👀', op: 'add' });
      expect(await carolWs.next(ofType('error'))).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('read frames', () => {
    it('moves the read mark (GET shows lastReadSeq) and tells the members', async () => {
      const channel = await createChannel(server.app, alice);
      await join(bob, channel.id);
      for (let i = 0; i < 3; i++) await sendMessage(server.app, alice, channel.id, `unread ${i}`);
      const [aliceWs, bobWs] = await Promise.all([connect(alice), connect(bob)]);
      bobWs.send({ type: 'read', channel: channel.id, seq: 2 });
      const read = { channel: channel.id, userId: bob.id, seq: 2 };
      await aliceWs.next(ofType('read', read));
      await bobWs.next(ofType('read', read));
      const response = await server.app.inject({
        method: 'GET',
        url: `/api/channels/${channel.id}`,
        headers: bob.auth,
      });
      expect(response.json<{ channel: ChannelBody }>().channel).toMatchObject({
        lastReadSeq: 2,
        unreadCount: 1,
      });

      // never backwards: an older seq leaves the mark where it was
      bobWs.send({ type: 'read', channel: channel.id, seq: 1 });
      await bobWs.roundTrip();
      const again = await server.app.inject({
        method: 'GET',
        url: `/api/channels/${channel.id}`,
        headers: bob.auth,
      });
      expect(again.json<{ channel: ChannelBody }>().channel.lastReadSeq).toBe(2);
    });
  });

  it('stops listening to a channel once no socket needs it (no feed is left behind)', async () => {
    await closeAllClients();
    const hub = server.runtime.deps.realtime;
    await eventually(() => hub.watchedChannelCount === 0, 'earlier sockets to be let go');
    const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
    const clients = await Promise.all([connect(alice), connect(bob), connect(bob)]);
    expect(hub.watchedChannelCount).toBeGreaterThan(0);
    await Promise.all(clients.map((client) => client.close()));
    await eventually(() => hub.watchedChannelCount === 0, 'the channel feeds to close');
    // and listening again afterwards works
    const again = await connect(bob);
    await sendMessage(server.app, alice, channel.id, 'still here');
    await again.next(contentOf('still here'));
  });
});
