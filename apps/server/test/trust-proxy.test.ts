// TRUST_PROXY: client addresses (and so the per-address sign-in limit) come from X-Forwarded-For
// only when the request arrives from a trusted proxy; otherwise the header is ignored.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/env.js';
import { buildTestApp, type TestApp } from './helpers.js';

const proxy = '10.0.0.7';
const slowMachine = 180_000;

describe('TRUST_PROXY and the per-address limit', () => {
  let t: TestApp;
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    t = await buildTestApp('pglite');
  }, slowMachine);
  afterAll(async () => {
    for (const app of apps) await app.close();
    await t.close();
  });

  /** An app with this TRUST_PROXY (on the one test database), allowing 2 attempts per address. */
  const appWith = async (trustProxy: string | undefined) => {
    const config = loadConfig(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy });
    const app = await buildApp({
      config: { ...t.config, trustProxy: config.trustProxy },
      runtime: t.runtime,
      logger: false,
      authRateLimits: { perIp: 2, perUsername: 1_000 },
    });
    apps.push(app);
    return app;
  };

  /** An auth attempt (a refresh with an unknown token) through the proxy for `client`. */
  const attemptVia = async (app: FastifyInstance, client: string) =>
    (
      await app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        payload: { refreshToken: 'unknown' },
        remoteAddress: proxy,
        headers: { 'x-forwarded-for': client },
      })
    ).statusCode;

  it('ignores X-Forwarded-For when off (the default): every client shares the proxy’s limit', async () => {
    const app = await appWith(undefined);
    expect(await attemptVia(app, '198.51.100.1')).toBe(401);
    expect(await attemptVia(app, '198.51.100.2')).toBe(401);
    expect(await attemptVia(app, '198.51.100.3')).toBe(429);
  });

  it.each([proxy, '1', '10.0.0.0/8, ::1'])(
    'gives each forwarded client its own limit behind a trusted proxy (TRUST_PROXY=%j)',
    async (value) => {
      const app = await appWith(value);
      expect(await attemptVia(app, '198.51.100.1')).toBe(401);
      expect(await attemptVia(app, '198.51.100.1')).toBe(401);
      expect(await attemptVia(app, '198.51.100.1')).toBe(429);
      expect(await attemptVia(app, '198.51.100.2')).toBe(401);
    },
  );

  it('does not trust X-Forwarded-For from an address that is not a trusted proxy', async () => {
    const app = await appWith('192.0.2.1');
    expect(await attemptVia(app, '198.51.100.1')).toBe(401);
    expect(await attemptVia(app, '198.51.100.2')).toBe(401);
    expect(await attemptVia(app, '198.51.100.3')).toBe(429);
  });
});

describe('TRUST_PROXY in the configuration', () => {
  it('is off by default, and for "false" or "0"', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
  });

  it('reads a hop count, or a comma list of addresses and CIDR ranges', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1,192.0.2.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '::1',
      '192.0.2.1',
    ]);
  });

  it.each(['true', 'yes', '10.0.0.0/8,', 'proxy.internal', '300.1.1.1'])(
    'rejects TRUST_PROXY=%j, naming it',
    (value) => {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/^\s*TRUST_PROXY: /m);
    },
  );
});
