// tRPC subscriptions over a real wsLink: `realtime.messages` tracked by seq (a reconnect resumes
// with no gap and no duplicate), access rules, `realtime.events`, and the plain /ws route living
// beside tRPC's own WebSocket on the same server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { messagesService, type Message } from '@chat/api/server';
import {
  createChannel,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type ChannelBody,
  type RegisteredUser,
} from './helpers.js';
import {
  closeAllClients,
  connectTrpc,
  eventually,
  ofType,
  serverSideOf,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type TrpcConnection = ReturnType<typeof connectTrpc>;

describe.each(testDatabaseKinds())('tRPC realtime over wsLink on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;
  const connections: TrpcConnection[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind);
    [alice, bob, carol] = await Promise.all([
      registerUser(server.app),
      registerUser(server.app),
      registerUser(server.app),
    ]);
  });
  afterEach(async () => {
    await Promise.all(connections.splice(0).map(({ wsClient }) => wsClient.close()));
    await closeAllClients();
  });
  afterAll(() => server.close());

  const trpc = (user: RegisteredUser) => {
    const connection = connectTrpc(server, user.accessToken);
    connections.push(connection);
    return connection;
  };

  /** Subscribes to realtime.messages and keeps what arrives: tracked ids and messages. */
  function subscribeMessages(connection: TrpcConnection, channelId: string, lastEventId?: string) {
    const received: { id: string; message: Message }[] = [];
    let failure: unknown = null;
    const subscription = connection.client.realtime.messages.subscribe(
      { channelId, lastEventId },
      {
        onData: ({ id, data }) => received.push({ id, message: data }),
        onError: (error) => (failure = error),
      },
    );
    return {
      received,
      seqs: () => received.map((r) => r.message.seq),
      failure: () => failure,
      unsubscribe: () => subscription.unsubscribe(),
      until: (count: number, timeoutMs?: number) =>
        eventually(
          () => received.length >= count || failure !== null,
          `${count} messages`,
          timeoutMs,
        ).then(() => {
          if (failure) throw failure as Error;
        }),
    };
  }

  /** Three writers posting `each` messages apiece concurrently through REST. */
  function startWriters(channel: ChannelBody, each: number) {
    let posted = 0;
    const writer = async (user: RegisteredUser) => {
      for (let i = 0; i < each; i++) {
        await sendMessage(server.app, user, channel.id, `${user.username} ${i}`);
        posted += 1;
        await sleep(1);
      }
    };
    let finished = false;
    const done = Promise.all([writer(alice), writer(bob), writer(carol)]).then(() => {
      finished = true;
    });
    return { done, posted: () => posted, finished: () => finished };
  }

  const sharedChannel = () => createChannel(server.app, alice, { memberIds: [bob.id, carol.id] });

  it("delivers a channel's messages from now on, in seq order, each tracked by its seq", async () => {
    const channel = await sharedChannel();
    await sendMessage(server.app, alice, channel.id, 'before subscribing');
    const sub = subscribeMessages(trpc(bob), channel.id);
    // "from now on": nothing says when the subscription is live, so probe until one arrives
    for (let i = 0; sub.received.length === 0; i++) {
      expect(i).toBeLessThan(200);
      await sendMessage(server.app, alice, channel.id, `probe ${i}`);
      await sleep(10);
    }
    const first = sub.seqs()[0] as number;
    expect(first).toBeGreaterThan(1);
    const last = (await sendMessage(server.app, carol, channel.id, 'last')).seq;
    await sub.until(last - first + 1);
    expect(sub.seqs()).toEqual(range(first, last));
    for (const { id, message } of sub.received) {
      expect(id).toBe(String(message.seq));
      expect(message.channelId).toBe(channel.id);
    }
    expect(sub.received.at(-1)?.message).toMatchObject({
      content: 'last',
      userId: carol.id,
      username: carol.username,
    });
  });

  it('sends the backlog after lastEventId first, then live messages', async () => {
    const channel = await sharedChannel();
    for (let i = 0; i < 5; i++) await sendMessage(server.app, alice, channel.id, `old ${i}`);
    const sub = subscribeMessages(trpc(bob), channel.id, '2');
    await sub.until(3);
    await sendMessage(server.app, alice, channel.id, 'new');
    await sub.until(4);
    expect(sub.seqs()).toEqual([3, 4, 5, 6]);
  });

  it('resumes after the server drops the socket while writers keep posting: every message once, in order', async () => {
    const channel = await sharedChannel();
    const connection = trpc(bob);
    const sub = subscribeMessages(connection, channel.id, '0');
    const writing = startWriters(channel, 40);
    const total = 120;

    await sub.until(15);
    // the server cuts the connection; wsLink reconnects and resubscribes with the last seq
    const socket = connection.wsClient.connection?.ws as unknown as WebSocket | undefined;
    if (!socket) throw new Error('the tRPC client is not connected');
    serverSideOf(server, socket).terminate();
    await eventually(
      () => connection.wsClient.connection?.ws !== (socket as unknown),
      'a new socket',
    );
    expect(writing.finished()).toBe(false);

    await writing.done;
    await sub.until(total, 20_000);
    await sleep(50); // anything extra (a duplicate) would show up now
    expect(sub.seqs()).toEqual(range(1, total));
    expect(sub.failure()).toBeNull();
  });

  it('resumes a new subscription from the lastEventId of the old one while writers keep posting', async () => {
    const channel = await sharedChannel();
    const first = subscribeMessages(trpc(bob), channel.id, '0');
    const writing = startWriters(channel, 30);
    await first.until(10);
    first.unsubscribe();
    const lastEventId = first.received.at(-1)?.id ?? '0';
    await eventually(
      () => writing.posted() >= Number(lastEventId) + 10,
      'more messages posted meanwhile',
    );
    const second = subscribeMessages(trpc(bob), channel.id, lastEventId);
    await writing.done;
    await second.until(90 - Number(lastEventId), 20_000);
    await sleep(50);
    expect([...first.seqs(), ...second.seqs()]).toEqual(range(1, 90));
  });

  it('refuses realtime.messages for a private channel the user is not in, with NOT_FOUND', async () => {
    const channel = await createChannel(server.app, alice, { isPrivate: true });
    await sendMessage(server.app, alice, channel.id, 'secret');
    const sub = subscribeMessages(trpc(carol), channel.id, '0');
    await eventually(() => sub.failure() !== null, 'an error');
    expect((sub.failure() as { data?: { code?: string } }).data?.code).toBe('NOT_FOUND');
    expect(sub.received).toEqual([]);
    // as for a channel that does not exist
    const missing = subscribeMessages(trpc(carol), '00000000-0000-4000-8000-000000000000');
    await eventually(() => missing.failure() !== null, 'an error');
    expect((missing.failure() as { data?: { code?: string } }).data?.code).toBe('NOT_FOUND');
  });

  it('refuses subscriptions without a valid token with UNAUTHORIZED', async () => {
    const channel = await sharedChannel();
    const connection = connectTrpc(server, 'not-a-token');
    connections.push(connection);
    const sub = subscribeMessages(connection, channel.id);
    await eventually(() => sub.failure() !== null, 'an error');
    expect((sub.failure() as { data?: { code?: string } }).data?.code).toBe('UNAUTHORIZED');
  });

  it("sends realtime.events the events of the user's channels (typing from a /ws user, joins)", async () => {
    const channel = await sharedChannel();
    const events: { type: string; userId?: string; channelId?: string }[] = [];
    trpc(bob).client.realtime.events.subscribe(undefined, {
      onData: (event) => events.push(event),
    });
    const aliceWs = await WsClient.ready(server, alice.accessToken);
    // bob's own presence says his subscription is counted, so it is live
    await aliceWs.next(ofType('presence', { userId: bob.id, status: 'online' }));
    aliceWs.send({ type: 'typing', channel: channel.id });
    await eventually(() => events.some((e) => e.type === 'typing'), 'a typing event');
    expect(events.find((e) => e.type === 'typing')).toMatchObject({
      channelId: channel.id,
      userId: alice.id,
    });
    const other = await createChannel(server.app, carol);
    await server.app.inject({
      method: 'POST',
      url: `/api/channels/${other.id}/members`,
      headers: bob.auth,
      payload: {},
    });
    await eventually(
      () => events.some((e) => e.type === 'join' && e.channelId === other.id),
      'a join event',
    );
    expect(events.filter((e) => e.type === 'message')).toEqual([]);
  });

  it('lets go of the channel feeds when subscriptions end (no listener leaks)', async () => {
    await Promise.all(connections.splice(0).map(({ wsClient }) => wsClient.close()));
    await closeAllClients();
    const hub = server.runtime.deps.realtime;
    await eventually(() => hub.watchedChannelCount === 0, 'earlier subscriptions to end');
    const channel = await sharedChannel();
    const connection = trpc(bob);
    const messages = subscribeMessages(connection, channel.id, '0');
    const typing: unknown[] = [];
    const typingSubscription = connection.client.realtime.typing.subscribe(
      { channelId: channel.id },
      { onData: (list) => typing.push(list) },
    );
    const eventsSubscription = connection.client.realtime.events.subscribe(undefined, {
      onData: () => {},
    });
    await sendMessage(server.app, alice, channel.id, 'hello');
    await messages.until(1);
    await eventually(() => typing.length > 0, 'the first typing list');
    expect(hub.watchedChannelCount).toBeGreaterThan(0);
    messages.unsubscribe();
    typingSubscription.unsubscribe();
    eventsSubscription.unsubscribe();
    await eventually(() => hub.watchedChannelCount === 0, 'the feeds to close');
  });
});

describe.each(testDatabaseKinds())(
  'tRPC realtime.messages with a short subscriber queue on %s',
  (kind) => {
    const subscriberBacklogLimit = 40;
    let server: TestServer;
    let alice: RegisteredUser;
    let bob: RegisteredUser;

    beforeAll(async () => {
      server = await startTestServer(kind, { realtime: { subscriberBacklogLimit } });
      [alice, bob] = await Promise.all([registerUser(server.app), registerUser(server.app)]);
    });
    afterAll(() => server.close());

    it('serves a backlog many times longer than the queue, paged as the client takes it', async () => {
      const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
      const actor = { userId: alice.id, username: alice.username };
      const count = 10 * subscriberBacklogLimit;
      for (let i = 1; i <= count; i++) {
        await messagesService.sendMessage(server.runtime.deps, actor, {
          channelId: channel.id,
          content: `backlog ${i}`,
        });
      }
      const { client, wsClient } = connectTrpc(server, bob.accessToken);
      try {
        const seqs: number[] = [];
        let failure: unknown = null;
        client.realtime.messages.subscribe(
          { channelId: channel.id, lastEventId: '0' },
          { onData: ({ data }) => seqs.push(data.seq), onError: (error) => (failure = error) },
        );
        await eventually(() => seqs.length >= count || failure !== null, 'the whole backlog');
        expect(failure).toBeNull();
        await sendMessage(server.app, alice, channel.id, 'live after the backlog');
        await eventually(() => seqs.length > count, 'the live message');
        expect(seqs).toEqual(range(1, count + 1));
      } finally {
        await wsClient.close();
      }
    });
  },
);

describe.each(testDatabaseKinds())("/ws beside tRPC's WebSocket on %s", (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;

  beforeAll(async () => {
    server = await startTestServer(kind);
    alice = await registerUser(server.app);
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  it('serves the plain /ws protocol and tRPC on one server, each leaving the other alone', async () => {
    const { client, wsClient } = connectTrpc(server, alice.accessToken);
    try {
      const plain = await WsClient.ready(server, alice.accessToken);
      // tRPC answers over its socket…
      const me = await client.auth.me.query();
      expect(me.id).toBe(alice.id);
      // …while /ws keeps speaking its own protocol, and takes a JSON-RPC message for a bad frame
      plain.send({ type: 'ping' });
      await plain.next(ofType('pong'));
      plain.send({ id: 1, method: 'query', params: { path: 'auth.me' } });
      expect(await plain.next(ofType('error'))).toMatchObject({ code: 'BAD_REQUEST' });
      // and both still work
      expect((await client.auth.me.query()).username).toBe(alice.username);
      await plain.roundTrip();
    } finally {
      await wsClient.close();
    }
  });

  it('keeps its own rules: /trpc opens without a token (public procedures), /ws does not', async () => {
    const raw = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/trpc`);
    const answer = await new Promise<unknown>((resolve, reject) => {
      raw.once('open', () =>
        raw.send(
          JSON.stringify({ id: 7, method: 'query', params: { path: 'auth.me', input: null } }),
        ),
      );
      raw.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8'))));
      raw.once('error', reject);
    });
    raw.terminate();
    // tRPC's own error for a protected procedure, not /ws's 401 on the upgrade
    expect(answer).toMatchObject({ id: 7, error: { data: { code: 'UNAUTHORIZED' } } });
    await expect(WsClient.connect(server.wsUrl)).rejects.toThrow(/HTTP 401/);
  });
});
