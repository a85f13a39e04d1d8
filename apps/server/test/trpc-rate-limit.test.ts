// The auth limits hold on every transport: tRPC's auth procedures over HTTP and over its
// WebSocket count against the same per-address and per-account counters as the REST routes.
import { uniqueName } from '@chat/api/testing';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from './helpers.js';
import { connectTrpc, startTestServer, type TestServer } from './ws-client.js';

const password = 'correct horse battery';

describe.each(testDatabaseKinds())('tRPC auth rate limits on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind, { authRateLimits: { perIp: 1_000, perUsername: 2 } });
  });
  afterAll(() => server.close());

  const restLogin = (username: string) =>
    server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

  it('limits logins per account over HTTP, with the REST routes counting towards the same limit', async () => {
    const username = uniqueName('target');
    expect((await restLogin(username)).statusCode).toBe(401);
    const trpcLogin = () =>
      server.app.inject({
        method: 'POST',
        url: '/trpc/auth.login',
        payload: { username, password },
      });
    expect((await trpcLogin()).statusCode).toBe(401);
    const limited = await trpcLogin();
    expect(limited.statusCode).toBe(429);
    expect(limited.json<{ error: { data: { code: string } } }>().error.data.code).toBe(
      'TOO_MANY_REQUESTS',
    );
    expect((await restLogin(username)).statusCode).toBe(429);
  });

  it('limits logins per account over the tRPC WebSocket', async () => {
    const username = uniqueName('target');
    const { client, wsClient } = connectTrpc(server, 'no-token-needed');
    try {
      const codeOf = (error: unknown) =>
        error instanceof TRPCClientError
          ? (error.data as { code?: string } | undefined)?.code
          : undefined;
      const attempt = () =>
        client.auth.login.mutate({ username, password }).then(() => 'signed in', codeOf);
      expect([await attempt(), await attempt(), await attempt()]).toEqual([
        'UNAUTHORIZED',
        'UNAUTHORIZED',
        'TOO_MANY_REQUESTS',
      ]);
    } finally {
      await wsClient.close();
    }
  });
});
