// Personal access tokens (API.md "Integrations"): shown once, hashed at rest, usable as a Bearer
// on REST, tRPC and /ws with the rights of their owner, and refused at once when revoked.
import { createHash } from 'node:crypto';
import { schema } from '@chat/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  expectError,
  expectValidationError,
  isoTime,
  registerUser,
  testDatabaseKinds,
  type RegisteredUser,
} from './helpers.js';
import {
  closeAllClients,
  connectTrpc,
  ofType,
  refusedUpgradeStatus,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

interface TokenBody {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

describe.each(testDatabaseKinds())('personal access tokens on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;

  const createToken = async (owner: RegisteredUser, payload: object = { name: 'ci bot' }) => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: owner.auth,
      payload,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ token: TokenBody; secret: string }>();
  };
  const revoke = (owner: RegisteredUser, id: string) =>
    server.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: owner.auth });
  const me = (headers: Record<string, string>) =>
    server.app.inject({ method: 'GET', url: '/api/auth/me', headers });

  beforeAll(async () => {
    server = await startTestServer(kind);
    [alice, bob] = await Promise.all([registerUser(server.app), registerUser(server.app)]);
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  it('creates a token whose secret is shown once and stored only as its SHA-256', async () => {
    const { token, secret } = await createToken(alice, { name: '  deploy script ' });
    expect(Object.keys(token).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
    ]);
    expect(token).toMatchObject({ name: 'deploy script', expiresAt: null, lastUsedAt: null });
    expect(token.createdAt).toMatch(isoTime);
    expect(secret).toMatch(/^chat_pat_[A-Za-z0-9_-]{43}$/);

    const rows = await server.runtime.database.db
      .select()
      .from(schema.personalAccessTokens)
      .where(eq(schema.personalAccessTokens.id, token.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(secret.slice('chat_pat_'.length));

    const list = await server.app.inject({
      method: 'GET',
      url: '/api/auth/tokens',
      headers: alice.auth,
    });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(secret.slice('chat_pat_'.length));
    const items = list.json<{ items: TokenBody[] }>().items;
    expect(items.map((item) => item.id)).toContain(token.id);
    for (const item of items) expect(Object.keys(item)).not.toContain('secret');
  });

  it('sets expiresAt from expiresInDays and refuses an expired token', async () => {
    const before = Date.now();
    const { token, secret } = await createToken(alice, { name: 'short', expiresInDays: 7 });
    const expires = Date.parse(token.expiresAt ?? '');
    expect(expires - before).toBeGreaterThanOrEqual(7 * 86_400_000 - 1_000);
    expect(expires - before).toBeLessThanOrEqual(7 * 86_400_000 + 60_000);
    expect((await me(bearer(secret))).statusCode).toBe(200);

    await server.runtime.database.db
      .update(schema.personalAccessTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(schema.personalAccessTokens.id, token.id));
    expectError(await me(bearer(secret)), 401, 'UNAUTHORIZED');
  });

  it('acts as its owner on REST and records when it was last used', async () => {
    const { token, secret } = await createToken(alice);
    const response = await me(bearer(secret));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ user: { id: string } }>().user.id).toBe(alice.id);

    const channel = await createChannel(server.app, alice);
    const sent = await server.app.inject({
      method: 'POST',
      url: `/api/channels/${channel.id}/messages`,
      headers: bearer(secret),
      payload: { content: 'from a script' },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json<{ message: { userId: string } }>().message.userId).toBe(alice.id);

    const items = (
      await server.app.inject({ method: 'GET', url: '/api/auth/tokens', headers: alice.auth })
    ).json<{ items: TokenBody[] }>().items;
    expect(items.find((item) => item.id === token.id)?.lastUsedAt).toMatch(isoTime);
  });

  it('acts as its owner on tRPC over HTTP', async () => {
    const { secret } = await createToken(alice);
    const response = await server.app.inject({
      method: 'GET',
      url: '/trpc/auth.me',
      headers: bearer(secret),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ result: { data: { id: string } } }>().result.data.id).toBe(alice.id);
  });

  it('opens /ws as its owner, by query or header, and refuses a made-up one', async () => {
    const { secret } = await createToken(alice);
    const byQuery = await WsClient.connect(`${server.wsUrl}?token=${secret}`);
    const ready = await byQuery.next(ofType('ready'));
    expect((ready.user as { id: string }).id).toBe(alice.id);
    const byHeader = await WsClient.connect(server.wsUrl, bearer(secret));
    await byHeader.next(ofType('ready'));
    expect(await refusedUpgradeStatus(`${server.wsUrl}?token=chat_pat_made-up`)).toBe(401);
  });

  it('stops at once when revoked: REST refuses it and its open sockets close', async () => {
    const { token, secret } = await createToken(alice);
    const { secret: other } = await createToken(alice, { name: 'kept' });
    const ws = await WsClient.connect(`${server.wsUrl}?token=${secret}`);
    await ws.next(ofType('ready'));
    const kept = await WsClient.connect(`${server.wsUrl}?token=${other}`);
    await kept.next(ofType('ready'));
    const session = await WsClient.ready(server, alice.accessToken);

    const revoked = await revoke(alice, token.id);
    expect(revoked.statusCode, revoked.body).toBe(204);
    expect(revoked.body).toBe('');

    expectError(await me(bearer(secret)), 401, 'UNAUTHORIZED');
    expect((await ws.closed).code).toBe(1008);
    expect(await refusedUpgradeStatus(`${server.wsUrl}?token=${secret}`)).toBe(401);
    // the owner's other token and their own sign-in are untouched
    expect((await me(bearer(other))).statusCode).toBe(200);
    await kept.roundTrip();
    await session.roundTrip();
    const items = (
      await server.app.inject({ method: 'GET', url: '/api/auth/tokens', headers: alice.auth })
    ).json<{ items: TokenBody[] }>().items;
    expect(items.map((item) => item.id)).not.toContain(token.id);
  });

  it('closes a tRPC WebSocket signed in with a token when it is revoked', async () => {
    const { token, secret } = await createToken(alice);
    const { client, wsClient } = connectTrpc(server, secret);
    try {
      expect((await client.auth.me.query()).id).toBe(alice.id);
      expect((await revoke(alice, token.id)).statusCode).toBe(204);
      // the link reconnects with the same (now revoked) token: no longer signed in
      await expect
        .poll(
          () =>
            client.auth.me.query().then(
              () => 'still signed in',
              (e: Error) => e.message,
            ),
          {
            timeout: 10_000,
          },
        )
        .toBe('Not authenticated');
    } finally {
      await wsClient.close();
    }
  });

  it("does not let anyone revoke another user's token: 404, and it keeps working", async () => {
    const { token, secret } = await createToken(alice);
    expectError(await revoke(bob, token.id), 404, 'NOT_FOUND');
    expect((await me(bearer(secret))).statusCode).toBe(200);
    expectError(await revoke(alice, '00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
    expectValidationError(await revoke(alice, 'not-a-uuid'), 'id');
  });

  it('needs a signed-in caller and a valid body', async () => {
    const anonymous = await server.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      payload: { name: 'x' },
    });
    expectError(anonymous, 401, 'UNAUTHORIZED');
    for (const [payload, path] of [
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(81) }, 'name'],
      [{ name: 'x', expiresInDays: 0 }, 'expiresInDays'],
      [{ name: 'x', expiresInDays: 1.5 }, 'expiresInDays'],
      [{ name: 'x', expiresInDays: '7' }, 'expiresInDays'],
    ] as const) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/auth/tokens',
        headers: alice.auth,
        payload,
      });
      expectValidationError(response, path);
    }
  });
});
