// What reaches the log: never a token, password or secret (the /ws URL carries the access token),
// and nothing at error level for what a client did wrong (oversized frames, invalid UTF-8, bad
// JSON), at any log level.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loggerOptions, redactUrl } from '../src/logger.js';
import { registerUser, testDatabaseKinds, type RegisteredUser } from './helpers.js';
import { closeAllClients, startTestServer, WsClient, type TestServer } from './ws-client.js';

describe('redactUrl', () => {
  it('blanks secret-looking query values and keeps the rest', () => {
    expect(redactUrl('/ws?token=eyJ.abc.def&after=3')).toBe('/ws?token=[REDACTED]&after=3');
    expect(redactUrl('/x?access_token=a&refreshToken=b&password=c&apiKey=d')).toBe(
      '/x?access_token=[REDACTED]&refreshToken=[REDACTED]&password=[REDACTED]&apiKey=[REDACTED]',
    );
    expect(redactUrl('/api/channels?limit=5')).toBe('/api/channels?limit=5');
    expect(redactUrl('/ws?%74oken=abc')).toBe('/ws?%74oken=[REDACTED]');
  });
});

describe.each(testDatabaseKinds())('the log on %s', (kind) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  let server: TestServer;
  let alice: RegisteredUser;

  beforeAll(async () => {
    server = await startTestServer(kind, { logger: loggerOptions('trace', { stream }) });
    alice = await registerUser(server.app);
  });
  afterAll(async () => {
    await closeAllClients();
    await server.close();
  });

  const levels = () => lines.map((line) => (JSON.parse(line) as { level: number }).level);

  it('never holds an access token, refresh token or password', async () => {
    const client = await WsClient.ready(server, alice.accessToken);
    await client.roundTrip();
    await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: alice.username, password: 'correct horse battery' },
    });
    await server.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: alice.refreshToken },
    });
    await server.app.inject({ method: 'GET', url: '/api/auth/me', headers: alice.auth });
    const log = lines.join('\n');
    expect(log).toContain('/ws?token=[REDACTED]');
    expect(log).not.toContain(alice.accessToken);
    expect(log).not.toContain(alice.accessToken.split('.')[2]);
    expect(log).not.toContain(alice.refreshToken);
    expect(log).not.toContain('correct horse battery');
  });

  it('logs what a client sends wrong below error level, without a stack trace', async () => {
    const from = lines.length;
    // on /ws: bad JSON, invalid UTF-8, then a frame over 64 KiB (which closes the socket)
    const client = await WsClient.ready(server, alice.accessToken);
    client.send('{ not json');
    client.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await client.closed).code).toBe(1007);
    const big = await WsClient.ready(server, alice.accessToken);
    big.send('x'.repeat(70 * 1024));
    expect((await big.closed).code).toBe(1009);
    // the same on tRPC's WebSocket
    const trpc = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/trpc`);
    await new Promise((resolve) => trpc.once('open', resolve));
    const closed = new Promise((resolve) => trpc.once('close', resolve));
    trpc.send('y'.repeat(70 * 1024));
    await closed;
    // and over HTTP
    await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const added = lines.slice(from);
    expect(added.length).toBeGreaterThan(0);
    expect(
      levels()
        .slice(from)
        .filter((level) => level >= 50),
    ).toEqual([]);
    expect(added.join('\n')).not.toContain('"stack"');
  });
});
