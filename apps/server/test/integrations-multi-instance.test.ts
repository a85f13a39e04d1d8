// Two app instances (two runtimes) on one PostgreSQL database and one Redis: a personal access
// token revoked on one stops at once on the other, and its sockets there close; a webhook's
// rate limit is counted once for both. Needs DATABASE_URL and REDIS_URL.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { testJwtSecret } from '@chat/api/testing';
import { openDatabase } from '@chat/db';
import { createTestDatabase, type TestDatabase } from '@chat/db/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/env.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { createChannel, expectError, registerUser, type RegisteredUser } from './helpers.js';
import { closeAllClients, ofType, WsClient } from './ws-client.js';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;

interface Instance {
  app: FastifyInstance;
  runtime: Runtime;
  wsUrl: string;
  close(): Promise<void>;
}

async function startInstance(database: TestDatabase, keyPrefix: string): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    JWT_SECRET: testJwtSecret,
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
  });
  // each instance has its own connections, as separate processes would
  const own = await openDatabase({ databaseUrl: database.url });
  const runtime = await createRuntime(config, { database: own });
  const app = await buildApp({
    config,
    runtime,
    logger: false,
    webhookRateLimit: { points: 3, durationSeconds: 60 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    runtime,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    close: async () => {
      await app.close();
      await runtime.close();
      await own.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!databaseUrl || !redisUrl)('integrations across two instances', () => {
  let database: TestDatabase;
  let a: Instance;
  let b: Instance;
  let alice: RegisteredUser;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const keyPrefix = `chat-test-${randomBytes(4).toString('hex')}:`;
    a = await startInstance(database, keyPrefix);
    b = await startInstance(database, keyPrefix);
    alice = await registerUser(a.app);
  });
  afterEach(closeAllClients);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.dispose();
  });

  it('a token revoked on one instance is refused on the other at once, and its socket there closes', async () => {
    const created = await a.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: alice.auth,
      payload: { name: 'bot' },
    });
    const { token, secret } = created.json<{ token: { id: string }; secret: string }>();
    const me = () =>
      b.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${secret}` },
      });
    expect((await me()).statusCode).toBe(200);
    const onB = await WsClient.connect(`${b.wsUrl}?token=${secret}`);
    await onB.next(ofType('ready'));

    const revoked = await a.app.inject({
      method: 'DELETE',
      url: `/api/auth/tokens/${token.id}`,
      headers: alice.auth,
    });
    expect(revoked.statusCode).toBe(204);
    expectError(await me(), 401, 'UNAUTHORIZED');
    expect((await onB.closed).code).toBe(1008);
  });

  it("counts a webhook's rate limit once across instances", async () => {
    const channel = await createChannel(a.app, alice);
    const made = await a.app.inject({
      method: 'POST',
      url: `/api/channels/${channel.id}/webhooks`,
      headers: alice.auth,
      payload: { name: 'shared' },
    });
    const { url } = made.json<{ webhook: { url: string } }>().webhook;
    const post = (instance: Instance) =>
      instance.app.inject({ method: 'POST', url, payload: { text: 'tick' } });
    expect((await post(a)).statusCode).toBe(200);
    expect((await post(b)).statusCode).toBe(200);
    expect((await post(a)).statusCode).toBe(200);
    expectError(await post(b), 429, 'TOO_MANY_REQUESTS');
  });
});
