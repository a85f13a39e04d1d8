// Reactions, pins and topic changes over real sockets: the /ws `reaction` frame, and the
// `reaction`, `pin` and `channel_updated` events on /ws and on tRPC's realtime.events, heard by
// the channel's members and by nobody else.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type ChannelBody,
  type RegisteredUser,
} from './helpers.js';
import {
  connectTrpc,
  closeAllClients,
  ofType,
  startTestServer,
  WsClient,
  eventually,
  type Frame,
  type TestServer,
} from './ws-client.js';

describe.each(testDatabaseKinds())('reactions, pins and topics over sockets on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind);
    [alice, bob, carol] = await Promise.all([
      registerUser(server.app),
      registerUser(server.app),
      registerUser(server.app),
    ]);
  });
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
    await closeAllClients();
  });
  afterAll(() => server.close());

  const connect = (user: RegisteredUser) => WsClient.ready(server, user.accessToken);
  const inject = (user: RegisteredUser, method: 'PUT' | 'PATCH', url: string, payload?: object) =>
    server.app.inject({ method, url, headers: user.auth, ...(payload ? { payload } : {}) });

  it('a reaction frame reaches the members with the reactions after it, and no outsider', async () => {
    const channel = await createChannel(server.app, alice, {
      isPrivate: true,
      memberIds: [bob.id],
    });
    const message = await sendMessage(server.app, alice, channel.id);
    const [asAlice, asBob, asCarol] = await Promise.all([
      connect(alice),
      connect(bob),
      connect(carol),
    ]);
    asBob.send({ type: 'reaction', messageId: message.id, emoji: '🎉', op: 'add' });
    const heard = await asAlice.next(ofType('reaction'));
    expect(heard).toMatchObject({
      type: 'reaction',
      channel: channel.id,
      messageId: message.id,
      emoji: '🎉',
      userId: bob.id,
      op: 'add',
      reactions: [{ emoji: '🎉', count: 1, userIds: [bob.id] }],
    });
    await asBob.next(ofType('reaction'));
    // the same again changes nothing: no second event, no error
    asBob.send({ type: 'reaction', messageId: message.id, emoji: '🎉', op: 'add' });
    asBob.send({ type: 'reaction', messageId: message.id, emoji: '🎉', op: 'remove' });
    const removed = await asAlice.next(ofType('reaction'));
    expect(removed).toMatchObject({ op: 'remove', reactions: [] });
    await asBob.roundTrip();
    expect(asBob.received(ofType('error'))).toEqual([]);
    expect(asAlice.received(ofType('reaction'))).toHaveLength(2);

    asCarol.send({ type: 'reaction', messageId: message.id, emoji: '👍', op: 'add' });
    expect(await asCarol.next(ofType('error'))).toMatchObject({ code: 'NOT_FOUND' });
    asBob.send({ type: 'reaction', messageId: message.id, emoji: 'x'.repeat(33), op: 'add' });
    expect(await asBob.next(ofType('error'))).toMatchObject({ code: 'BAD_REQUEST' });
    await Promise.all([asAlice.roundTrip(), asCarol.roundTrip()]);
    expect(asCarol.received(ofType('reaction'))).toEqual([]);
    expect(asAlice.received(ofType('reaction'))).toHaveLength(2);
  });

  it('pin and channel_updated reach the members of a private channel or DM, and no outsider', async () => {
    const secret = await createChannel(server.app, alice, { isPrivate: true, memberIds: [bob.id] });
    const dm = (
      await server.app.inject({
        method: 'POST',
        url: '/api/dms',
        headers: alice.auth,
        payload: { userIds: [bob.id] },
      })
    ).json<{ channel: ChannelBody }>().channel;
    const [asBob, asCarol] = await Promise.all([connect(bob), connect(carol)]);
    for (const channel of [secret, dm]) {
      const message = await sendMessage(server.app, alice, channel.id);
      expect((await inject(alice, 'PUT', `/api/messages/${message.id}/pin`)).statusCode).toBe(200);
      expect(await asBob.next((f) => f.type === 'pin' && f.messageId === message.id)).toMatchObject(
        { channel: channel.id, userId: alice.id, op: 'add' },
      );
      const patched = await inject(alice, 'PATCH', `/api/channels/${channel.id}`, {
        topic: `topic of ${channel.id}`,
      });
      expect(patched.statusCode).toBe(200);
      const updated = (await asBob.next(ofType('channel_updated'))) as Frame & {
        channel: ChannelBody;
      };
      expect(updated.channel).toMatchObject({ id: channel.id, topic: `topic of ${channel.id}` });
      expect(updated.channel).not.toHaveProperty('unreadCount');
    }
    await asCarol.roundTrip();
    expect(asCarol.received((f) => f.type === 'pin' || f.type === 'channel_updated')).toEqual([]);
  });

  it('tRPC: realtime.events carries the three events to a member, nothing to an outsider', async () => {
    const channel = await createChannel(server.app, alice, {
      isPrivate: true,
      memberIds: [bob.id],
    });
    const message = await sendMessage(server.app, alice, channel.id);
    const member = connectTrpc(server, bob.accessToken);
    const outsider = connectTrpc(server, carol.accessToken);
    const heard: { type: string }[] = [];
    const overheard: { type: string }[] = [];
    const ours = (event: { type: string }) =>
      ['reaction', 'pin', 'channel_updated'].includes(event.type);
    let started = 0;
    const subscriptions = [
      member.client.realtime.events.subscribe(undefined, {
        onStarted: () => started++,
        onData: (event) => ours(event) && heard.push(event),
      }),
      outsider.client.realtime.events.subscribe(undefined, {
        onStarted: () => started++,
        onData: (event) => ours(event) && overheard.push(event),
      }),
    ];
    closers.push(async () => {
      for (const s of subscriptions) s.unsubscribe();
      await Promise.all([member.wsClient.close(), outsider.wsClient.close()]);
    });
    await eventually(() => started === 2, 'both subscriptions');
    // the outsider's calls fail as if the channel did not exist
    await expect(
      outsider.client.reactions.set.mutate({ messageId: message.id, emoji: '👍', op: 'add' }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    await expect(outsider.client.pins.list.query({ channelId: channel.id })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
    await expect(
      outsider.client.pins.set.mutate({ messageId: message.id, op: 'add' }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    await expect(
      outsider.client.channels.update.mutate({ channelId: channel.id, topic: 'x' }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });

    const reacted = await member.client.reactions.set.mutate({
      messageId: message.id,
      emoji: '👍',
      op: 'add',
    });
    expect(reacted.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.id] }]);
    await member.client.pins.set.mutate({ messageId: message.id, op: 'add' });
    expect((await member.client.pins.list.query({ channelId: channel.id })).items).toHaveLength(1);
    await member.client.channels.update.mutate({ channelId: channel.id, topic: 'ours' });
    await eventually(() => heard.length >= 3, 'three events');
    expect(heard.map((e) => e.type)).toEqual(['reaction', 'pin', 'channel_updated']);
    // something later that carol does hear proves the earlier events had their chance
    const own = await createChannel(server.app, carol);
    await inject(carol, 'PATCH', `/api/channels/${own.id}`, { topic: 'mine' });
    await eventually(() => overheard.length >= 1, "carol's own event");
    expect(overheard).toMatchObject([{ type: 'channel_updated', channelId: own.id }]);
  });
});
