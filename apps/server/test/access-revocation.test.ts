// Access ends at once, on every transport: a member removed from a private channel stops
// receiving it on /ws, on tRPC over WebSocket and on tRPC over SSE; a deactivated, deleted or
// logged-out user's token is refused on REST, tRPC and the /ws upgrade, and their open streams
// close. (Regressions of issue 7, defects 1 and 4.)
import { accountsService, appRouter, createCallerFactory } from '@chat/api/server';
import { schema } from '@chat/db';
import { TRPCClientError } from '@trpc/client';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type RegisteredUser,
} from './helpers.js';
import { request } from './server-process.js';
import {
  connectTrpcTo,
  recordEvents,
  recordMessages,
  recordTyping,
  stopAllSubscriptions,
  type TrpcConnection,
  type Transport,
} from './trpc-clients.js';
import {
  closeAllClients,
  eventually,
  ofType,
  refusedUpgradeStatus,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

const transports: Transport[] = ['websocket', 'sse'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(testDatabaseKinds())('access that ends at once, on %s', (kind) => {
  let server: TestServer;
  const connections: TrpcConnection[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind, { realtime: { typingExpiryMs: 60_000 } });
  });
  afterEach(async () => {
    stopAllSubscriptions();
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    await closeAllClients();
  });
  afterAll(() => server.close());

  const trpc = (user: RegisteredUser, transport: Transport) => {
    const connection = connectTrpcTo(server.baseUrl, user.accessToken, transport);
    connections.push(connection);
    return connection.client;
  };

  /** Bob's view of a channel on /ws and on tRPC over both transports, once all are live. */
  async function watchEverywhere(user: RegisteredUser, channelId: string, typist: WsClient) {
    const ws = await WsClient.ready(server, user.accessToken);
    const subscriptions = transports.map((transport) => {
      const client = trpc(user, transport);
      return {
        transport,
        messages: recordMessages(client, channelId),
        typing: recordTyping(client, channelId),
      };
    });
    // live: the first message arrives everywhere, and someone typing shows on every typing list
    const first = await sendMessage(server.app, owner, channelId, 'before');
    await ws.next((frame) => frame.type === 'message' && frame.id === first.id);
    for (const { messages, typing, transport } of subscriptions) {
      await eventually(() => messages.items.some((m) => m.id === first.id), `${transport} message`);
      // the first (empty) list says the typing subscription listens
      await eventually(() => typing.items.length > 0, `${transport} typing to start`);
    }
    typist.send({ type: 'typing', channel: channelId });
    for (const { typing, transport } of subscriptions)
      await eventually(() => typing.items.some((list) => list.length > 0), `${transport} typing`);
    return { ws, subscriptions };
  }

  let owner: RegisteredUser;
  beforeAll(async () => {
    owner = await registerUser(server.app);
  });

  it('stops /ws, tRPC over WebSocket and tRPC over SSE within 1 s of a removal from a private channel', async () => {
    const [bob, carol] = await Promise.all([registerUser(server.app), registerUser(server.app)]);
    const channel = await createChannel(server.app, owner, {
      isPrivate: true,
      memberIds: [bob.id, carol.id],
    });
    const carolWs = await WsClient.ready(server, carol.accessToken);
    const { ws, subscriptions } = await watchEverywhere(bob, channel.id, carolWs);

    const removal = await server.app.inject({
      method: 'DELETE',
      url: `/api/channels/${channel.id}/members/${bob.id}`,
      headers: owner.auth,
    });
    expect(removal.statusCode).toBe(204);
    const removedAt = Date.now();
    const after = await sendMessage(server.app, owner, channel.id, 'after the removal');
    await ws.next(ofType('leave', { channel: channel.id, userId: bob.id }), 1_000);
    for (const { transport, messages, typing } of subscriptions) {
      await eventually(
        () => messages.error !== null && typing.error !== null,
        `the ${transport} subscriptions to end`,
        Math.max(0, removedAt + 1_000 - Date.now()),
      );
      expect(messages.error?.data?.code, transport).toBe('NOT_FOUND');
      expect(typing.error?.data?.code, transport).toBe('NOT_FOUND');
    }
    await sleep(2_100); // past the typing throttle, so carol's next indicator goes out
    // carol, still a member, got what bob must not have
    await carolWs.waitFor((frame) => frame.type === 'message' && frame.id === after.id);
    const owners = await WsClient.ready(server, owner.accessToken);
    carolWs.send({ type: 'typing', channel: channel.id });
    await owners.waitFor(ofType('typing', { channel: channel.id, userId: carol.id }));
    await ws.roundTrip();
    expect(ws.messages(channel.id).map((m) => m.content)).toEqual(['before']);
    for (const { transport, messages, typing } of subscriptions) {
      expect(
        messages.items.map((m) => m.content),
        transport,
      ).toEqual(['before']);
      expect(typing.items.filter((list) => list.length > 0).length, transport).toBe(1);
    }
  });

  it('ends the subscriptions as soon as they open when the removal came first', async () => {
    const bob = await registerUser(server.app);
    const channel = await createChannel(server.app, owner, {
      isPrivate: true,
      memberIds: [bob.id],
    });
    await server.app.inject({
      method: 'DELETE',
      url: `/api/channels/${channel.id}/members/${bob.id}`,
      headers: owner.auth,
    });
    for (const transport of transports) {
      const messages = recordMessages(trpc(bob, transport), channel.id);
      await eventually(() => messages.error !== null, `${transport} refusal`, 5_000);
      expect(messages.error?.data?.code).toBe('NOT_FOUND');
    }
  });

  it('keeps delivering a public channel to a reader who left it (it is still theirs to read)', async () => {
    const bob = await registerUser(server.app);
    const channel = await createChannel(server.app, owner, { memberIds: [bob.id] });
    const messages = recordMessages(trpc(bob, 'websocket'), channel.id);
    await sendMessage(server.app, owner, channel.id, 'one');
    await eventually(() => messages.items.length === 1, 'the first message');
    const leave = await server.app.inject({
      method: 'DELETE',
      url: `/api/channels/${channel.id}/members/me`,
      headers: bob.auth,
    });
    expect(leave.statusCode).toBe(204);
    await sendMessage(server.app, owner, channel.id, 'two');
    await eventually(() => messages.items.length === 2, 'the message after leaving');
    expect(messages.error).toBeNull();
  });

  it("refuses a deactivated user's token on REST, tRPC and the /ws upgrade with 401, and closes their open streams", async () => {
    const bob = await registerUser(server.app);
    const channel = await createChannel(server.app, owner, {
      isPrivate: true,
      memberIds: [bob.id],
    });
    const ws = await WsClient.ready(server, bob.accessToken);
    const open = transports.map((transport) => {
      const client = trpc(bob, transport);
      return {
        transport,
        events: recordEvents(client),
        messages: recordMessages(client, channel.id),
      };
    });
    const first = await sendMessage(server.app, owner, channel.id, 'before');
    for (const { transport, messages } of open)
      await eventually(() => messages.items.some((m) => m.id === first.id), transport);

    await accountsService.deactivate(server.runtime.deps, bob.username);

    expect((await ws.closed).code).toBe(1008);
    for (const { transport, events, messages } of open) {
      await eventually(
        () => events.error !== null && messages.error !== null,
        `${transport} streams to end`,
        1_000,
      );
      expect(events.error?.data?.code).toBe('UNAUTHORIZED');
      expect(messages.error?.data?.code).toBe('UNAUTHORIZED');
    }
    await expectRefusedEverywhere(bob, channel.id);
  });

  it("refuses the token of a user whose row is gone with 401 (it was a foreign-key 500, and /ws's 1011)", async () => {
    const bob = await registerUser(server.app);
    const channel = await createChannel(server.app, owner);
    await server.runtime.deps.db.delete(schema.users).where(eq(schema.users.id, bob.id));
    const join = await server.app.inject({
      method: 'POST',
      url: `/api/channels/${channel.id}/members`,
      headers: bob.auth,
      payload: {},
    });
    expect(join.statusCode).toBe(401);
    await expectRefusedEverywhere(bob, channel.id);
  });

  it('answers a foreign-key violation with 404, never a 500, on every transport', async () => {
    // An actor whose row vanished after their token was checked: the insert's foreign key fails.
    const channel = await createChannel(server.app, owner);
    const ghost = { userId: crypto.randomUUID(), username: 'ghost' };
    const caller = createCallerFactory(appRouter)({ deps: server.runtime.deps, actor: ghost });
    await expect(caller.channels.join({ channelId: channel.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const { toErrorResponse } = await import('../src/plugins/errors.js');
    const failure = await server.runtime.deps.db
      .insert(schema.channelMembers)
      .values({ channelId: channel.id, userId: ghost.userId })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(toErrorResponse(failure)).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
  });

  it('logs one login out (its access token too) and leaves the other logins signed in', async () => {
    const bob = await registerUser(server.app);
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: bob.username, password: 'correct horse battery' },
    });
    const phone = login.json<{ accessToken: string }>();
    const ws = await WsClient.ready(server, bob.accessToken);
    const phoneWs = await WsClient.ready(server, phone.accessToken);
    const logout = await server.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: bob.auth,
      payload: { refreshToken: bob.refreshToken },
    });
    expect(logout.statusCode).toBe(204);
    expect((await ws.closed).code).toBe(1008);
    const me = (token: string) =>
      server.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await me(bob.accessToken)).statusCode).toBe(401);
    expect((await me(phone.accessToken)).statusCode).toBe(200);
    await phoneWs.roundTrip();
  });

  async function expectRefusedEverywhere(user: RegisteredUser, channelId: string) {
    const rest = await request(server.baseUrl, 'GET', '/api/auth/me', { token: user.accessToken });
    expect(rest.status).toBe(401);
    expect(rest.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const messages = await request(server.baseUrl, 'GET', `/api/channels/${channelId}/messages`, {
      token: user.accessToken,
    });
    expect(messages.status).toBe(401);
    const query = await trpc(user, 'sse')
      .auth.me.query()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(query).toBeInstanceOf(TRPCClientError);
    expect((query as TRPCClientError<never>).data).toMatchObject({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
    });
    const url = `${server.wsUrl}?token=${encodeURIComponent(user.accessToken)}`;
    expect(await refusedUpgradeStatus(url)).toBe(401);
    for (const transport of transports) {
      const refused = recordMessages(trpc(user, transport), channelId);
      await eventually(() => refused.error !== null, `${transport} refusal`, 5_000);
      expect(refused.error?.data?.code).toBe('UNAUTHORIZED');
    }
  }
});
