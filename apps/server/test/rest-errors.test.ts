// What any client can send that is not what the routes expect: always a 4xx with API.md's error
// body, never a 5xx. Plus the health routes and the security headers every answer carries.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createChannel,
  expectError,
  expectValidationError,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type ChannelBody,
  type MessageBody,
  type Payload,
  type RegisteredUser,
  type TestApp,
} from './helpers.js';

const kib = 1024;

describe.each(testDatabaseKinds())('REST error answers on %s', (kind) => {
  let t: TestApp;
  let alice: RegisteredUser;
  let channel: ChannelBody;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    alice = await registerUser(t.app);
    channel = await createChannel(t.app, alice);
  });
  afterAll(() => t.close());

  const raw = (
    method: 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload: string,
    contentType = 'application/json',
  ) =>
    t.app.inject({ method, url, headers: { ...alice.auth, 'content-type': contentType }, payload });

  describe('malformed bodies', () => {
    it.each([
      ['truncated JSON', '{"name":'],
      ['a trailing comma', '{"name":"x",}'],
      ['single quotes', "{'name':'x'}"],
      ['plain text', 'hello'],
    ])('answers %s with 400', async (_name, payload) => {
      expectError(await raw('POST', '/api/channels', payload), 400, 'BAD_REQUEST');
    });

    it.each([
      ['null', 'null'],
      ['a string', '"general"'],
      ['a number', '42'],
      ['an array', '[{"name":"x"}]'],
    ])('answers a JSON body that is %s instead of an object with 400', async (_name, payload) => {
      expectValidationError(await raw('POST', '/api/channels', payload));
    });

    it('refuses prototype poisoning with 400', async () => {
      expectError(
        await raw('POST', '/api/channels', '{"__proto__":{"admin":true},"name":"p"}'),
        400,
        'BAD_REQUEST',
      );
    });

    it('answers a body of another content type with a 4xx', async () => {
      const form = await raw(
        'POST',
        '/api/channels',
        'name=x',
        'application/x-www-form-urlencoded',
      );
      expect(form.statusCode).toBeGreaterThanOrEqual(400);
      expect(form.statusCode).toBeLessThan(500);
      expect(form.json<{ error: { code: string } }>().error.code).toBe('BAD_REQUEST');
      expectError(await raw('POST', '/api/channels', 'general', 'text/plain'), 400, 'BAD_REQUEST');
    });

    it('accepts JSON with a charset in its content type', async () => {
      const response = await raw(
        'POST',
        '/api/channels',
        '{"name":"charset"}',
        'application/json; charset=utf-8',
      );
      expect(response.statusCode).toBe(201);
    });

    it('treats an empty JSON body as no body: a DELETE still works, a create still needs its fields', async () => {
      const own = await createChannel(t.app, alice);
      const message = await sendMessage(t.app, alice, own.id, 'bye');
      expect((await raw('DELETE', `/api/messages/${message.id}`, '')).statusCode).toBe(204);
      expect((await raw('DELETE', `/api/channels/${own.id}/members/me`, '')).statusCode).toBe(204);
      const join = await raw('POST', `/api/channels/${own.id}/members`, '');
      expect(join.statusCode, join.body).toBe(200);
      expectValidationError(await raw('POST', '/api/channels', ''));
      expectValidationError(await raw('POST', `/api/channels/${own.id}/messages`, '  '));
    });

    it('answers a body over 64 KiB with 413 PAYLOAD_TOO_LARGE', async () => {
      const response = await raw(
        'POST',
        `/api/channels/${channel.id}/messages`,
        JSON.stringify({ content: 'x'.repeat(65 * kib) }),
      );
      expectError(response, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('answers an oversize login with 413 too', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'x'.repeat(70 * kib), password: 'whatever1' },
      });
      expectError(response, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('accepts a body just under 64 KiB (and then validates it)', async () => {
      const response = await raw(
        'POST',
        `/api/channels/${channel.id}/messages`,
        JSON.stringify({ content: 'x'.repeat(60 * kib) }),
      );
      expectValidationError(response, 'content');
    });
  });

  describe('values the database cannot store', () => {
    // Postgres refuses NUL characters in text; none of these may turn into a 500.
    const nulRequests: [string, (c: ChannelBody) => { url: string; payload: Payload }][] = [
      [
        'a message',
        (c) => ({ url: `/api/channels/${c.id}/messages`, payload: { content: 'a\u0000b' } }),
      ],
      [
        'a clientMsgId',
        (c) => ({
          url: `/api/channels/${c.id}/messages`,
          payload: { content: 'ok', clientMsgId: 'id\u0000' },
        }),
      ],
      ['a channel name', () => ({ url: '/api/channels', payload: { name: 'nul\u0000name' } })],
      [
        'a login',
        () => ({
          url: '/api/auth/login',
          payload: { username: 'nul\u0000user', password: 'whatever1' },
        }),
      ],
    ];
    it.each(nulRequests)(
      'answers a NUL character in %s with 400 and stores nothing',
      async (_name, request) => {
        const { url, payload } = request(channel);
        const response = await t.app.inject({ method: 'POST', url, headers: alice.auth, payload });
        expectError(response, 400, 'BAD_REQUEST');
        const history = await t.app.inject({
          method: 'GET',
          url: `/api/channels/${channel.id}/messages`,
          headers: alice.auth,
        });
        expect(
          history
            .json<{ items: MessageBody[] }>()
            .items.every((m) => !m.content.includes('\u0000')),
        ).toBe(true);
      },
    );

    it('answers a NUL character in a display name with 400', async () => {
      const response = await t.app.inject({
        method: 'PATCH',
        url: '/api/auth/me',
        headers: alice.auth,
        payload: { displayName: 'nul\u0000' },
      });
      expectError(response, 400, 'BAD_REQUEST');
    });

    it('answers a NUL character in a search prefix with 400', async () => {
      expectError(
        await t.app.inject({ method: 'GET', url: '/api/users?q=a%00', headers: alice.auth }),
        400,
        'BAD_REQUEST',
      );
    });

    it.each([
      ['a NUL in a user cursor', '/api/users', ['a\u0000', '11111111-1111-4111-8111-111111111111']],
      [
        'a date far in the future',
        '/api/channels',
        ['+099999-01-01T00:00:00.000Z', '11111111-1111-4111-8111-111111111111'],
      ],
      [
        'a date before any calendar',
        '/api/channels',
        ['-271821-04-20T00:00:00.000Z', '11111111-1111-4111-8111-111111111111'],
      ],
    ])('answers a forged cursor with %s with 400', async (_name, url, key) => {
      const cursor = Buffer.from(JSON.stringify(key)).toString('base64url');
      expectError(
        await t.app.inject({ method: 'GET', url: `${url}?cursor=${cursor}`, headers: alice.auth }),
        400,
        'BAD_REQUEST',
      );
    });
  });

  describe('unknown routes', () => {
    it.each([
      ['GET', '/api/nope'],
      ['PUT', '/api/channels'],
      ['GET', '/api/channels/x/y/z'],
      ['POST', '/api/users'],
    ] as const)('answers %s %s with 404 in the contract body', async (method, url) => {
      expectError(await t.app.inject({ method, url, headers: alice.auth }), 404, 'NOT_FOUND');
    });

    it('answers an unknown route with 404 without a token too', async () => {
      expectError(await t.app.inject({ method: 'GET', url: '/api/nope' }), 404, 'NOT_FOUND');
    });
  });

  describe('URLs the router cannot read', () => {
    it('answers a broken percent-encoding in the path with 400 in the contract body', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/channels/%E0%A4%A',
        headers: alice.auth,
      });
      expectError(response, 400, 'BAD_REQUEST');
    });

    it('answers an absurdly long path parameter with a 4xx in the contract body', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/channels/${'a'.repeat(6000)}`,
        headers: alice.auth,
      });
      expectError(response, 400, 'BAD_REQUEST');
    });

    it('answers a NUL character in a path parameter with 400', async () => {
      expectValidationError(
        await t.app.inject({ method: 'GET', url: '/api/users/%00', headers: alice.auth }),
        'id',
      );
    });
  });

  describe('authentication before anything else', () => {
    it('answers a protected route without a token with 401, whatever the body', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/channels/${channel.id}/messages`,
        headers: { 'content-type': 'application/json' },
        payload: '{not json',
      });
      expectError(response, 401, 'UNAUTHORIZED');
    });
  });

  describe('health', () => {
    it('answers GET /healthz with 200 and no token', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    });

    it('answers GET /readyz with 200 while the database answers', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    });
  });

  describe('security headers', () => {
    it('sends the helmet headers on API answers, errors and the docs', async () => {
      for (const response of [
        await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: alice.auth }),
        await t.app.inject({ method: 'GET', url: '/api/auth/me' }),
        await t.app.inject({ method: 'GET', url: '/api/nope' }),
        await t.app.inject({ method: 'GET', url: '/healthz' }),
        await t.app.inject({ method: 'GET', url: '/api/docs/' }),
      ]) {
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(response.headers['strict-transport-security']).toMatch(/max-age=/);
        expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
        expect(response.headers['x-powered-by']).toBeUndefined();
      }
    });
  });
});

describe.each(testDatabaseKinds())('REST with its database down on %s', (kind) => {
  let t: TestApp;
  let user: RegisteredUser;
  beforeAll(async () => {
    t = await buildTestApp(kind);
    user = await registerUser(t.app);
    await t.runtime.database.close();
  });
  afterAll(async () => {
    // the database is closed already; closing it a second time may fail and does not matter
    await t.close().catch(() => undefined);
  });

  it('answers GET /readyz with 503 SERVICE_UNAVAILABLE', async () => {
    expectError(await t.app.inject({ method: 'GET', url: '/readyz' }), 503, 'SERVICE_UNAVAILABLE');
  });

  it('still answers GET /healthz with 200', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  // PGlite runs in the process: it is only ever closed on shutdown, after the last request.
  if (kind === 'postgres') {
    it('answers a route that needs the database with 503', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: user.auth,
      });
      expectError(response, 503, 'SERVICE_UNAVAILABLE');
    });
  }
});

describe.each(testDatabaseKinds())('REST next to the built web client on %s', (kind) => {
  const webDist = mkdtempSync(join(tmpdir(), 'chat-web-'));
  let t: TestApp;
  beforeAll(async () => {
    writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>chat</title>');
    t = await buildTestApp(kind, { webDist });
  });
  afterAll(async () => {
    await t.close();
    rmSync(webDist, { recursive: true, force: true });
  });

  it('serves index.html for the client-side routes of the web app', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/channels/general' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('<title>chat</title>');
  });

  it('keeps the contract 404 body for unknown /api routes', async () => {
    expectError(await t.app.inject({ method: 'GET', url: '/api/nope' }), 404, 'NOT_FOUND');
    expectError(await t.app.inject({ method: 'POST', url: '/channels/general' }), 404, 'NOT_FOUND');
  });
});
