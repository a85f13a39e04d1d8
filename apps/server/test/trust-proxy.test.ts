// TRUST_PROXY: client addresses (and so the per-address sign-in limit) come from X-Forwarded-For
// only when the request arrives from a trusted proxy; otherwise the header is ignored.
import { uniqueName } from '@chat/api/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/env.js';
import { buildTestApp, expectError, type TestApp } from './helpers.js';

const password = 'correct horse battery';
const proxy = '10.0.0.7';

describe('TRUST_PROXY and the per-address limit', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const start = async (env: Record<string, string>) => {
    t = await buildTestApp('pglite', { env, authRateLimits: { perIp: 2 } });
    return t.app;
  };

  /** A login through the proxy on behalf of `client`. */
  const loginVia = (app: TestApp['app'], client: string) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: uniqueName('nobody'), password },
      remoteAddress: proxy,
      headers: { 'x-forwarded-for': client },
    });

  it('ignores X-Forwarded-For when off (the default): every client shares the proxy’s limit', async () => {
    const app = await start({});
    expect((await loginVia(app, '198.51.100.1')).statusCode).toBe(401);
    expect((await loginVia(app, '198.51.100.2')).statusCode).toBe(401);
    expectError(await loginVia(app, '198.51.100.3'), 429, 'TOO_MANY_REQUESTS');
  });

  it('gives each forwarded client its own limit behind a trusted proxy address', async () => {
    const app = await start({ TRUST_PROXY: `${proxy}` });
    for (let i = 0; i < 2; i++) expect((await loginVia(app, '198.51.100.1')).statusCode).toBe(401);
    expectError(await loginVia(app, '198.51.100.1'), 429, 'TOO_MANY_REQUESTS');
    expect((await loginVia(app, '198.51.100.2')).statusCode).toBe(401);
  });

  it('takes a hop count or a CIDR range as well', async () => {
    for (const value of ['1', '10.0.0.0/8, 127.0.0.1']) {
      const app = await start({ TRUST_PROXY: value });
      for (let i = 0; i < 2; i++)
        expect((await loginVia(app, '203.0.113.9')).statusCode, value).toBe(401);
      expect((await loginVia(app, '203.0.113.10')).statusCode, value).toBe(401);
      await t?.close();
      t = undefined;
    }
  });

  it('does not trust X-Forwarded-For from an address that is not a trusted proxy', async () => {
    const app = await start({ TRUST_PROXY: '192.0.2.1' });
    expect((await loginVia(app, '198.51.100.1')).statusCode).toBe(401);
    expect((await loginVia(app, '198.51.100.2')).statusCode).toBe(401);
    expectError(await loginVia(app, '198.51.100.3'), 429, 'TOO_MANY_REQUESTS');
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
