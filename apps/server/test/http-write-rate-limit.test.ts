// Per-user limits on writes over HTTP, as /ws limits frames: REST's writes and tRPC's mutations
// count against one limit per user, answered with 429 and `retry-after`; reads are not limited.
// With Redis the count is shared by every instance.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/env.js';
import {
  buildTestApp,
  createChannel,
  expectError,
  registerUser,
  testDatabaseKinds,
  type RegisteredUser,
  type TestApp,
} from './helpers.js';

const writeLimit = { points: 3, durationSeconds: 60 };
const slowMachine = 180_000;

function expectRetryAfter(response: LightMyRequestResponse) {
  expect(response.statusCode, response.body).toBe(429);
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(writeLimit.durationSeconds);
}

describe.each(testDatabaseKinds())('HTTP write rate limits on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    // generous, so the setup's own writes pass; each test gets its own users
    t = await buildTestApp(kind, { writeLimit });
  }, slowMachine);
  afterAll(() => t.close());

  /** A user with a channel to write in: the channel costs one write. */
  async function writer(): Promise<{ user: RegisteredUser; channelId: string }> {
    const user = await registerUser(t.app);
    const channel = await createChannel(t.app, user);
    return { user, channelId: channel.id };
  }

  const restSend = (user: RegisteredUser, channelId: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/channels/${channelId}/messages`,
      headers: user.auth,
      payload: { content: 'hello' },
    });

  const trpcSend = (user: RegisteredUser, channelId: string) =>
    t.app.inject({
      method: 'POST',
      url: '/trpc/messages.send',
      headers: user.auth,
      payload: { channelId, content: 'hello' },
    });

  it('answers a REST write past the limit with 429, the error body and retry-after', async () => {
    const { user, channelId } = await writer();
    expect((await restSend(user, channelId)).statusCode).toBe(201);
    expect((await restSend(user, channelId)).statusCode).toBe(201);
    const limited = await restSend(user, channelId);
    expectError(limited, 429, 'TOO_MANY_REQUESTS');
    expectRetryAfter(limited);
    // nothing was written for the refused request
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/channels/${channelId}/messages`,
      headers: user.auth,
    });
    expect(history.json<{ items: unknown[] }>().items).toHaveLength(2);
  });

  it('counts every kind of REST write, and leaves reads alone', async () => {
    const { user, channelId } = await writer();
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/auth/me',
      headers: user.auth,
      payload: { status: 'away' },
    });
    expect(patch.statusCode).toBe(200);
    const read = await t.app.inject({
      method: 'POST',
      url: `/api/channels/${channelId}/read`,
      headers: user.auth,
      payload: { seq: 0 },
    });
    expect(read.statusCode).toBe(200);
    for (let i = 0; i < 5; i++) {
      const list = await t.app.inject({ method: 'GET', url: '/api/channels', headers: user.auth });
      expect(list.statusCode).toBe(200);
    }
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/api/channels/${channelId}/members/me`,
      headers: user.auth,
    });
    expectRetryAfter(remove);
  });

  it('answers a tRPC mutation past the limit with 429 and retry-after', async () => {
    const { user, channelId } = await writer();
    expect((await trpcSend(user, channelId)).statusCode).toBe(200);
    expect((await trpcSend(user, channelId)).statusCode).toBe(200);
    const limited = await trpcSend(user, channelId);
    expectRetryAfter(limited);
    expect(limited.json<{ error: { data: { code: string } } }>().error.data.code).toBe(
      'TOO_MANY_REQUESTS',
    );
    // tRPC queries are reads
    const history = await t.app.inject({
      method: 'GET',
      url: `/trpc/messages.history?input=${encodeURIComponent(JSON.stringify({ channelId }))}`,
      headers: user.auth,
    });
    expect(history.statusCode).toBe(200);
  });

  it('counts REST writes and tRPC mutations against the same limit', async () => {
    const { user, channelId } = await writer();
    expect((await restSend(user, channelId)).statusCode).toBe(201);
    expect((await trpcSend(user, channelId)).statusCode).toBe(200);
    expectRetryAfter(await restSend(user, channelId));
  });

  it('gives every user a limit of their own', async () => {
    const first = await writer();
    const second = await writer();
    for (let i = 0; i < 2; i++) await restSend(first.user, first.channelId);
    expectRetryAfter(await restSend(first.user, first.channelId));
    expect((await restSend(second.user, second.channelId)).statusCode).toBe(201);
  });
});

describe.skipIf(!process.env.REDIS_URL)('HTTP write rate limits with Redis', () => {
  let first: TestApp;
  let second: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    first = await buildTestApp('pglite', {
      writeLimit,
      env: {
        REDIS_URL: process.env.REDIS_URL ?? '',
        REDIS_KEY_PREFIX: `chat-test-${randomBytes(4).toString('hex')}:`,
      },
    });
    // A second instance: its own app and limiter, on the same database and Redis.
    second = await buildApp({
      config: first.config,
      runtime: first.runtime,
      logger: false,
      writeLimit,
    });
    await second.ready();
  }, slowMachine);
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('shares the count between instances', async () => {
    const user = await registerUser(first.app);
    const channel = await createChannel(first.app, user); // one write, on the first
    const send = (app: typeof second) =>
      app.inject({
        method: 'POST',
        url: `/api/channels/${channel.id}/messages`,
        headers: user.auth,
        payload: { content: 'hello' },
      });
    expect((await send(second)).statusCode).toBe(201);
    expect((await send(first.app)).statusCode).toBe(201);
    expectRetryAfter(await send(second));
    expectRetryAfter(await send(first.app));
  });
});

describe('WRITE_RATE_LIMIT in the configuration', () => {
  it('defaults to the /ws frame limit: 30 per 2 s', () => {
    expect(loadConfig({}).writeLimit).toEqual({ points: 30, durationSeconds: 2 });
    expect(loadConfig({ WRITE_RATE_LIMIT: '600/60' }).writeLimit).toEqual({
      points: 600,
      durationSeconds: 60,
    });
  });

  it.each(['30', '30/0', '0/2', '30/2s', 'fast'])('rejects WRITE_RATE_LIMIT=%j', (value) => {
    expect(() => loadConfig({ WRITE_RATE_LIMIT: value })).toThrow(
      /^\s*WRITE_RATE_LIMIT: must be REQUESTS\/SECONDS/m,
    );
  });
});
