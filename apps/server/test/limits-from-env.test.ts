// The limits a benchmark (or an operator) raises through the environment: WS_RATE_LIMIT,
// AUTH_RATE_LIMIT_PER_IP / _PER_ACCOUNT, and DEBUG_HEAP_ENDPOINT (off: no /debug/heap). Their defaults are the
// limits the server always had; a set value reaches the built server as `pnpm start` runs it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { defaultAuthRateLimits } from '../src/auth-rate-limit.js';
import { loadConfig } from '../src/env.js';
import { defaultWsLimits } from '../src/ws/connection.js';
import { buildTestApp } from './helpers.js';
import { request, startServer, stopAllServers } from './server-process.js';
import { ofType, WsClient } from './ws-client.js';

const metricsToken = 'a-metrics-token-of-16+';

describe('rate limits and heap metrics in the configuration', () => {
  it('defaults to the limits the server had before they were configurable', () => {
    const config = loadConfig({});
    expect(config.wsRateLimit).toEqual({
      burst: defaultWsLimits.burst,
      perSecond: defaultWsLimits.perSecond,
    });
    expect(config.authRateLimit).toEqual({
      perIp: defaultAuthRateLimits.perIp,
      perAccount: defaultAuthRateLimits.perUsername,
    });
    expect(config.debugHeapEndpoint).toBe(false);
  });

  it('reads WS_RATE_LIMIT as a burst and its average rate, and the auth limits per minute', () => {
    const config = loadConfig({
      WS_RATE_LIMIT: '100/4',
      AUTH_RATE_LIMIT_PER_IP: '5000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '50',
      DEBUG_HEAP_ENDPOINT: 'true',
    });
    expect(config.wsRateLimit).toEqual({ burst: 100, perSecond: 25 });
    expect(config.authRateLimit).toEqual({ perIp: 5000, perAccount: 50 });
    expect(config.debugHeapEndpoint).toBe(true);
  });

  it.each([
    ['WS_RATE_LIMIT', '30', /WS_RATE_LIMIT: must be REQUESTS\/SECONDS/],
    ['AUTH_RATE_LIMIT_PER_IP', '0', /AUTH_RATE_LIMIT_PER_IP: must be a whole number/],
    ['AUTH_RATE_LIMIT_PER_ACCOUNT', '1.5', /AUTH_RATE_LIMIT_PER_ACCOUNT: must be a whole number/],
    ['DEBUG_HEAP_ENDPOINT', 'yes', /DEBUG_HEAP_ENDPOINT: must be true or false/],
  ])('rejects %s=%j naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});

describe('GET /debug/heap', () => {
  it('is not served unless DEBUG_HEAP_ENDPOINT=true, and then needs METRICS_TOKEN when set', async () => {
    const off = await buildTestApp('pglite');
    try {
      expect((await off.app.inject({ method: 'GET', url: '/debug/heap' })).statusCode).toBe(404);
    } finally {
      await off.close();
    }
    const on = await buildTestApp('pglite', {
      env: { DEBUG_HEAP_ENDPOINT: 'true', METRICS_TOKEN: metricsToken },
    });
    try {
      expect((await on.app.inject({ method: 'GET', url: '/debug/heap' })).statusCode).toBe(401);
      const heap = await on.app.inject({
        method: 'GET',
        url: '/debug/heap',
        headers: { authorization: `Bearer ${metricsToken}` },
      });
      expect(heap.statusCode).toBe(200);
      expect(heap.json<{ heapUsed: number }>().heapUsed).toBeGreaterThan(0);
    } finally {
      await on.close();
    }
  }, 120_000);
});

describe('the limits from the environment in the built server', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-limits-'));
  afterEach(stopAllServers);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('applies WS_RATE_LIMIT and AUTH_RATE_LIMIT_PER_IP, and DEBUG_HEAP_ENDPOINT', async () => {
    const { url } = await startServer({
      timeoutMs: 100_000,
      env: {
        DATA_DIR: dataDir,
        WS_RATE_LIMIT: '3/60',
        AUTH_RATE_LIMIT_PER_IP: '2',
        DEBUG_HEAP_ENDPOINT: 'true',
      },
    });
    const register = (username: string) =>
      request<{ accessToken: string }>(url, 'POST', '/api/auth/register', {
        body: { username, email: `${username}@example.test`, password: 'correct horse battery' },
      });
    const alice = await register('alice');
    expect(alice.status).toBe(201);
    expect((await register('bob')).status).toBe(201);
    expect((await register('carol')).status).toBe(429);

    const channel = await request<{ channel: { id: string } }>(url, 'POST', '/api/channels', {
      token: alice.body.accessToken,
      body: { name: 'limits' },
    });
    const client = await WsClient.connect(
      `${url.replace(/^http/, 'ws')}/ws?token=${alice.body.accessToken}`,
    );
    await client.next(ofType('ready'));
    // a burst of 3, then one frame every 20 s: of 5 frames at once, 3 pass
    for (let i = 0; i < 5; i++)
      client.send({
        type: 'message',
        channel: channel.body.channel.id,
        content: `${i}`,
        clientMsgId: `limit-${i}`,
      });
    const answers = await client.waitForCount((f) => f.type === 'ack' || f.type === 'error', 5);
    expect(answers.filter((f) => f.type === 'ack')).toHaveLength(3);
    expect(client.received(ofType('error', { code: 'TOO_MANY_REQUESTS' }))).toHaveLength(2);
    await client.close();

    const heap = await request<{ heapUsed: number; rss: number }>(url, 'GET', '/debug/heap');
    expect(heap.status).toBe(200);
    expect(heap.body.heapUsed).toBeGreaterThan(0);
    expect(heap.body.rss).toBeGreaterThan(heap.body.heapUsed);
  }, 120_000);
});
