// Rate limits of the auth routes: per address, and per account name, answered with 429 and
// `retry-after` in the contract body.
import { uniqueName } from '@chat/api/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  expectError,
  registerUser,
  testDatabaseKinds,
  type TestApp,
} from './helpers.js';

const password = 'correct horse battery';

function expectRateLimited(response: LightMyRequestResponse) {
  expectError(response, 429, 'TOO_MANY_REQUESTS');
  const retryAfter = response.headers['retry-after'];
  expect(String(retryAfter)).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThan(0);
}

describe.each(testDatabaseKinds())('REST rate limits on %s', (kind) => {
  describe('per address', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(kind, { authRateLimits: { perIp: 3 } });
    });
    afterAll(() => t.close());

    const login = (username: string, remoteAddress = '203.0.113.1') =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password },
        remoteAddress,
      });

    it('answers the fourth auth request from one address within the window with 429 and retry-after', async () => {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push((await login(uniqueName('nobody'))).statusCode);
      expect(answers).toEqual([401, 401, 401]);
      expectRateLimited(await login(uniqueName('nobody')));
    });

    it('refuses even a correct password once the address is over its limit', async () => {
      const user = await registerUser(t.app);
      for (let i = 0; i < 3; i++) await login(user.username, '203.0.113.2');
      expectRateLimited(await login(user.username, '203.0.113.2'));
    });

    it('counts refresh against the same address', async () => {
      const refresh = () =>
        t.app.inject({
          method: 'POST',
          url: '/api/auth/refresh',
          payload: { refreshToken: 'unknown' },
          remoteAddress: '203.0.113.3',
        });
      for (let i = 0; i < 3; i++) expect((await refresh()).statusCode).toBe(401);
      expectRateLimited(await refresh());
    });

    it('leaves other addresses alone', async () => {
      for (let i = 0; i < 4; i++) await login(uniqueName('nobody'), '203.0.113.4');
      expect((await login(uniqueName('nobody'), '203.0.113.5')).statusCode).toBe(401);
    });

    it('does not limit the other routes', async () => {
      const user = await registerUser(t.app);
      for (let i = 0; i < 6; i++) {
        const response = await t.app.inject({
          method: 'GET',
          url: '/api/auth/me',
          headers: user.auth,
          remoteAddress: '203.0.113.6',
        });
        expect(response.statusCode).toBe(200);
      }
    });
  });

  describe('per account name', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(kind, { authRateLimits: { perUsername: 2 } });
    });
    afterAll(() => t.close());

    let address = 0;
    // A new address for every request: only the per-name limit can apply.
    const login = (payload: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { password, ...payload },
        remoteAddress: `198.51.100.${++address}`,
      });

    it('answers the third login for one username from anywhere with 429 and retry-after', async () => {
      const name = uniqueName('guess');
      expect((await login({ username: name })).statusCode).toBe(401);
      expect((await login({ username: name })).statusCode).toBe(401);
      expectRateLimited(await login({ username: name }));
    });

    it('refuses even the right password once the name is over its limit', async () => {
      const user = await registerUser(t.app); // registering counts for the name too
      expect(
        (await login({ username: user.username, password: 'wrong password' })).statusCode,
      ).toBe(401);
      expectRateLimited(await login({ username: user.username }));
    });

    it('counts a username in any case as the same name', async () => {
      const name = uniqueName('Case');
      expect((await login({ username: name })).statusCode).toBe(401);
      expect((await login({ username: name.toUpperCase() })).statusCode).toBe(401);
      expectRateLimited(await login({ username: name.toLowerCase() }));
    });

    it('limits logins by email the same way', async () => {
      const email = `${uniqueName()}@example.test`;
      await login({ email });
      await login({ email });
      expectRateLimited(await login({ email }));
    });

    it('leaves other names alone', async () => {
      const limited = uniqueName('limited');
      for (let i = 0; i < 3; i++) await login({ username: limited });
      const user = await registerUser(t.app);
      expect((await login({ username: user.username })).statusCode).toBe(200);
    });
  });
});
