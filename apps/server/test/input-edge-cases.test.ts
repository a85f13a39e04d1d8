// Regression tests for the smaller defects of issue 7: resume of a channel the caller cannot
// see, `__proto__` cursors, lone surrogates, one login limit per account whatever name is used,
// retry-after on tRPC's 429, and an upper-case channel UUID on /ws.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  expectValidationError,
  registerUser,
  testDatabaseKinds,
  type RegisteredUser,
} from './helpers.js';
import {
  closeAllClients,
  ofType,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

describe.each(testDatabaseKinds())('input edge cases on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;

  beforeAll(async () => {
    server = await startTestServer(kind, { authRateLimits: { perUsername: 3 } });
    [alice, bob] = [await registerUser(server.app), await registerUser(server.app)];
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  const history = async (channelId: string) =>
    (
      await server.app.inject({
        method: 'GET',
        url: `/api/channels/${channelId}/messages`,
        headers: alice.auth,
      })
    ).json<{ items: unknown[] }>().items;

  it('answers a resume of a private channel the caller cannot see with NOT_FOUND', async () => {
    const secret = await createChannel(server.app, bob, { isPrivate: true });
    await server.app.inject({
      method: 'POST',
      url: `/api/channels/${secret.id}/messages`,
      headers: bob.auth,
      payload: { content: 'not for alice' },
    });
    const client = await WsClient.ready(server, alice.accessToken);
    client.send({ type: 'resume', cursors: { [secret.id]: 0 } });
    const error = await client.next(ofType('error'));
    expect(error.code).toBe('NOT_FOUND');
    await client.roundTrip();
    expect(client.messages(secret.id)).toEqual([]);
  });

  it('answers a resume of a public channel the caller has not joined with FORBIDDEN', async () => {
    const open = await createChannel(server.app, bob);
    const client = await WsClient.ready(server, alice.accessToken);
    client.send({ type: 'resume', cursors: { [open.id]: 0 } });
    expect((await client.next(ofType('error'))).code).toBe('FORBIDDEN');
  });

  it('answers a resume whose cursors hold a __proto__ key with BAD_REQUEST', async () => {
    const client = await WsClient.ready(server, alice.accessToken);
    client.send('{"type":"resume","cursors":{"__proto__":{"polluted":1}}}');
    const error = await client.next(ofType('error'));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.issues).toEqual([expect.objectContaining({ path: 'cursors' })]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses content with a lone surrogate on every transport, storing nothing', async () => {
    const channel = await createChannel(server.app, alice);
    const content = 'half a pair: \ud83d';
    const rest = await server.app.inject({
      method: 'POST',
      url: `/api/channels/${channel.id}/messages`,
      headers: { ...alice.auth, 'content-type': 'application/json' },
      // JSON.stringify escapes it as \ud83d, as a client's JSON would
      payload: JSON.stringify({ content }),
    });
    const body = expectValidationError(rest, 'content');
    expect(body.error.issues?.[0]?.message).toMatch(/lone surrogate/);

    const trpc = await server.app.inject({
      method: 'POST',
      url: '/trpc/messages.send',
      headers: { ...alice.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ channelId: channel.id, content }),
    });
    expect(trpc.statusCode).toBe(400);
    expect(trpc.json<{ error: { data: { code: string } } }>().error.data.code).toBe('BAD_REQUEST');

    const client = await WsClient.ready(server, alice.accessToken);
    client.send({ type: 'message', channel: channel.id, content, clientMsgId: 'surrogate' });
    const error = await client.next(ofType('error', { ref: 'surrogate' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.issues).toEqual([expect.objectContaining({ path: 'content' })]);

    // a whole pair is a character like any other
    client.send({
      type: 'message',
      channel: channel.id,
      content: 'a pair: 😀',
      clientMsgId: 'pair',
    });
    await client.next(ofType('ack', { clientMsgId: 'pair' }));
    expect(await history(channel.id)).toEqual([expect.objectContaining({ content: 'a pair: 😀' })]);
  });

  it('acks a /ws message sent with an upper-case channel UUID before delivering it', async () => {
    const channel = await createChannel(server.app, alice);
    const client = await WsClient.ready(server, alice.accessToken);
    client.send({
      type: 'message',
      channel: channel.id.toUpperCase(),
      content: 'shouting id',
      clientMsgId: 'upper',
    });
    await client.next(ofType('message', { clientMsgId: 'upper' }));
    const ackAt = client.frames.findIndex((frame) => frame.type === 'ack');
    const messageAt = client.frames.findIndex((frame) => frame.type === 'message');
    expect(ackAt).toBeGreaterThanOrEqual(0);
    expect(ackAt).toBeLessThan(messageAt);
    expect(client.frames[ackAt]?.channel).toBe(channel.id);
  });

  it('counts sign-in attempts by username and by email against one limit per account', async () => {
    const target = await registerUser(server.app);
    const attempt = (name: Record<string, string>) =>
      server.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { ...name, password: 'wrong password' },
      });
    const email = `${target.username}@example.test`;
    // the registration already counted once for the name
    expect((await attempt({ username: target.username })).statusCode).toBe(401);
    expect((await attempt({ email: email.toUpperCase() })).statusCode).toBe(401);
    const limited = await attempt({ username: target.username.toUpperCase() });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('sends retry-after with a 429 of tRPC over HTTP, and the seconds in its error data', async () => {
    const target = await registerUser(server.app);
    const login = () =>
      server.app.inject({
        method: 'POST',
        url: '/trpc/auth.login',
        payload: { username: target.username, password: 'wrong password' },
      });
    // the registration already counted once for the name
    for (let i = 0; i < 2; i++) expect((await login()).statusCode).toBe(401);
    const limited = await login();
    expect(limited.statusCode).toBe(429);
    const seconds = Number(limited.headers['retry-after']);
    expect(seconds).toBeGreaterThan(0);
    expect(
      limited.json<{ error: { data: { retryAfterSeconds: number } } }>().error.data
        .retryAfterSeconds,
    ).toBe(seconds);
  });
});
