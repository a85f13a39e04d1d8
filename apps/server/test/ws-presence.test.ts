// Presence over real sockets: online while any connection is open, the chosen status while
// connected, offline (with lastSeen) when the last one closes; told to whoever shares a channel.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  isoTime,
  registerUser,
  testDatabaseKinds,
  type RegisteredUser,
  type UserBody,
} from './helpers.js';
import {
  closeAllClients,
  connectTrpc,
  ofType,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

describe.each(testDatabaseKinds())('/ws presence on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  const connect = (user: RegisteredUser) => WsClient.ready(server, user.accessToken);
  /** Users of their own: presence is per user, so no test sees another's. */
  const two = () => Promise.all([registerUser(server.app), registerUser(server.app)]);
  const three = () =>
    Promise.all([registerUser(server.app), registerUser(server.app), registerUser(server.app)]);
  const getUser = async (viewer: RegisteredUser, user: RegisteredUser) => {
    const response = await server.app.inject({
      method: 'GET',
      url: `/api/users/${user.id}`,
      headers: viewer.auth,
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ user: UserBody }>().user;
  };
  const presenceOf = (user: RegisteredUser, status?: string) =>
    ofType('presence', status ? { userId: user.id, status } : { userId: user.id });
  /** Closes a socket and waits until the server has handled the close too. */
  const closeAndSettle = async (client: WsClient) => {
    const before = server.app.websocketServer.clients.size;
    await client.close();
    for (let i = 0; i < 200 && server.app.websocketServer.clients.size >= before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(server.app.websocketServer.clients.size).toBeLessThan(before);
  };

  it('tells peers who share a channel that a user came online, with only userId and status', async () => {
    const [alice, bob] = await two();
    await createChannel(server.app, alice, { memberIds: [bob.id] });
    const bobWs = await connect(bob);
    await connect(alice);
    const online = await bobWs.next(presenceOf(alice, 'online'));
    expect(Object.keys(online).sort()).toEqual(['status', 'timestamp', 'type', 'userId']);
    expect((await getUser(bob, alice)).status).toBe('online');
  });

  it('tells peers a presence frame (away, dnd) and GET /api/users/:id shows it', async () => {
    const [alice, bob] = await two();
    await createChannel(server.app, alice, { memberIds: [bob.id] });
    const [aliceWs, bobWs] = await Promise.all([connect(alice), connect(bob)]);
    aliceWs.send({ type: 'presence', status: 'away' });
    await bobWs.next(presenceOf(alice, 'away'));
    expect((await getUser(bob, alice)).status).toBe('away');
    aliceWs.send({ type: 'presence', status: 'dnd' });
    await bobWs.next(presenceOf(alice, 'dnd'));
    expect((await getUser(bob, alice)).status).toBe('dnd');
    aliceWs.send({ type: 'presence', status: 'online' });
    await bobWs.next(presenceOf(alice, 'online'));
  });

  it('tells peers a status set through PATCH /api/auth/me', async () => {
    const [alice, bob] = await two();
    await createChannel(server.app, alice, { memberIds: [bob.id] });
    const bobWs = await connect(bob);
    await connect(alice);
    const response = await server.app.inject({
      method: 'PATCH',
      url: '/api/auth/me',
      headers: alice.auth,
      payload: { status: 'dnd' },
    });
    expect(response.statusCode).toBe(200);
    await bobWs.next(presenceOf(alice, 'dnd'));
  });

  it('says offline when the last connection closes, and sets lastSeen', async () => {
    const [alice, bob] = await two();
    await createChannel(server.app, alice, { memberIds: [bob.id] });
    const bobWs = await connect(bob);
    const aliceWs = await connect(alice);
    await bobWs.next(presenceOf(alice, 'online'));
    expect((await getUser(bob, alice)).lastSeen).toBeNull();
    const closedAt = Date.now();
    await aliceWs.close();
    await bobWs.next(presenceOf(alice, 'offline'));
    const seen = await getUser(bob, alice);
    expect(seen.status).toBe('offline');
    expect(seen.lastSeen).toMatch(isoTime);
    expect(Math.abs(Date.parse(seen.lastSeen ?? '') - closedAt)).toBeLessThan(5_000);
  });

  it('stays online while another connection of the user is open', async () => {
    const [alice, bob] = await two();
    await createChannel(server.app, alice, { memberIds: [bob.id] });
    const bobWs = await connect(bob);
    const aliceWs = await connect(alice);
    const aliceWs2 = await connect(alice);
    await bobWs.next(presenceOf(alice, 'online'));
    await closeAndSettle(aliceWs2);
    // what a wrong "offline" would have needed: a database write, then a publish
    await new Promise((resolve) => setTimeout(resolve, 100));
    await bobWs.roundTrip();
    expect(bobWs.received(presenceOf(alice, 'offline'))).toEqual([]);
    expect(await getUser(bob, alice)).toMatchObject({ status: 'online', lastSeen: null });
    // and the connection that stayed still counts: closing it is the last one
    await aliceWs.close();
    await bobWs.next(presenceOf(alice, 'offline'));
  });

  it('comes back with the status the user chose, not online', async () => {
    const [alice, bob] = await two();
    await createChannel(server.app, alice, { memberIds: [bob.id] });
    const bobWs = await connect(bob);
    const aliceWs = await connect(alice);
    aliceWs.send({ type: 'presence', status: 'dnd' });
    await bobWs.next(presenceOf(alice, 'dnd'));
    await aliceWs.close();
    await bobWs.next(presenceOf(alice, 'offline'));
    expect((await getUser(bob, alice)).status).toBe('offline');
    await connect(alice);
    await bobWs.next(presenceOf(alice, 'dnd'));
    expect((await getUser(bob, alice)).status).toBe('dnd');
  });

  it('tells nothing to users who share no channel', async () => {
    const [alice, bob, dave] = await three();
    await createChannel(server.app, alice, { memberIds: [bob.id] });
    await createChannel(server.app, dave); // a channel of his own
    const [bobWs, daveWs] = await Promise.all([connect(bob), connect(dave)]);
    const aliceWs = await connect(alice);
    aliceWs.send({ type: 'presence', status: 'away' });
    await bobWs.next(presenceOf(alice, 'away'));
    await aliceWs.close();
    await bobWs.next(presenceOf(alice, 'offline'));
    await daveWs.roundTrip();
    expect(daveWs.received(presenceOf(alice))).toEqual([]);
  });

  it('counts an open realtime.events subscription as a connection', async () => {
    const [alice, bob] = await two();
    await createChannel(server.app, alice, { memberIds: [bob.id] });
    const bobWs = await connect(bob);
    const { client, wsClient } = connectTrpc(server, alice.accessToken);
    const subscription = client.realtime.events.subscribe(undefined, { onData: () => {} });
    try {
      await bobWs.next(presenceOf(alice, 'online'));
      expect((await getUser(bob, alice)).status).toBe('online');
    } finally {
      subscription.unsubscribe();
      await wsClient.close();
    }
    await bobWs.next(presenceOf(alice, 'offline'));
  });
});
