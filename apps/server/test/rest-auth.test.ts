// REST accounts and sessions (API.md "REST routes", /api/auth/*): shapes, credentials, tokens.
import { digestSecret } from '@chat/api/server';
import { testJwtSecret, uniqueName } from '@chat/api/testing';
import { schema } from '@chat/db';
import { eq } from 'drizzle-orm';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  expectError,
  expectValidationError,
  isoTime,
  ownUserKeys,
  registerUser,
  testDatabaseKinds,
  type Payload,
  type TestApp,
  type UserBody,
} from './helpers.js';

const password = 'correct horse battery';
const secret = new TextEncoder().encode(testJwtSecret);

interface Session {
  user: UserBody;
  accessToken: string;
  refreshToken: string;
}

/** An access token as the server signs them, with some claims changed. */
function signToken(
  claims: { sub: string; name: string },
  options: { issuer?: string; audience?: string; expiresAt?: number; key?: Uint8Array } = {},
) {
  return new SignJWT({ name: claims.name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(options.issuer ?? 'chat')
    .setAudience(options.audience ?? 'chat')
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? '15m')
    .sign(options.key ?? secret);
}

describe.each(testDatabaseKinds())('REST auth on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kind);
  });
  afterAll(() => t.close());

  const register = (payload: Payload) =>
    t.app.inject({ method: 'POST', url: '/api/auth/register', payload });
  const login = (payload: Payload) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload });
  const refresh = (refreshToken: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
  const me = (authorization?: string) =>
    t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: authorization ? { authorization } : {},
    });

  describe('register', () => {
    it('answers 201 with the own user (email included) and a token pair', async () => {
      const username = uniqueName('Reg');
      const response = await register({ username, email: `${username}@example.test`, password });
      expect(response.statusCode).toBe(201);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const body = response.json<Session>();
      expect(Object.keys(body).sort()).toEqual(['accessToken', 'refreshToken', 'user']);
      expect(Object.keys(body.user).sort()).toEqual(ownUserKeys);
      expect(body.user).toMatchObject({
        username,
        email: `${username}@example.test`,
        displayName: username,
        avatarUrl: null,
      });
      expect(body.user.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.user.createdAt).toMatch(isoTime);
      expect(['online', 'away', 'dnd', 'offline']).toContain(body.user.status);
      expect(typeof body.accessToken).toBe('string');
      expect(typeof body.refreshToken).toBe('string');
      expect(body.accessToken).not.toBe(body.refreshToken);
    });

    it('never returns the password or its hash', async () => {
      const username = uniqueName();
      const response = await register({ username, email: `${username}@example.test`, password });
      expect(response.body).not.toContain(password);
      expect(response.body).not.toMatch(/passwordHash|password_hash|\$argon2/);
    });

    it('refuses a username that is taken, whatever its case, with 409', async () => {
      const first = await registerUser(t.app, uniqueName('Dup'));
      const response = await register({
        username: first.username.toLowerCase(),
        email: `${uniqueName()}@example.test`,
        password,
      });
      expectError(response, 409, 'CONFLICT');
    });

    it('refuses an email that is taken, whatever its case, with 409', async () => {
      const first = await registerUser(t.app);
      const response = await register({
        username: uniqueName(),
        email: `${first.username.toUpperCase()}@EXAMPLE.TEST`,
        password,
      });
      expectError(response, 409, 'CONFLICT');
    });

    it.each([
      ['a too short username', { username: 'ab' }, 'username'],
      ['a too long username', { username: 'a'.repeat(33) }, 'username'],
      ['a username with a space', { username: 'has space' }, 'username'],
      ['a username that is a number', { username: 12345 }, 'username'],
      ['a too short password', { password: 'short' }, 'password'],
      ['a too long password', { password: 'p'.repeat(257) }, 'password'],
      ['an invalid email', { email: 'not-an-email' }, 'email'],
      ['a missing email', { email: undefined }, 'email'],
    ])('rejects %s with 400 and an issue on that field', async (_name, change, path) => {
      const username = uniqueName();
      const response = await register({
        username,
        email: `${username}@example.test`,
        password,
        ...change,
      });
      expectValidationError(response, path);
    });

    it('accepts names and passwords at the limits of their lengths', async () => {
      // the database is fresh for this block, so these names are free
      for (const [username, pass] of [
        ['a.b', '12345678'],
        ['x'.repeat(32), 'p'.repeat(256)],
      ] as const) {
        const response = await register({
          username,
          email: `${uniqueName()}@example.test`,
          password: pass,
        });
        expect(response.statusCode, response.body).toBe(201);
        expect((await login({ username, password: pass })).statusCode).toBe(200);
      }
    });
  });

  describe('login', () => {
    it('answers 200 with the own user and a token pair, by username or by email', async () => {
      const user = await registerUser(t.app);
      for (const payload of [
        { username: user.username, password },
        { email: `${user.username}@example.test`, password },
        { username: user.username.toUpperCase(), password },
      ]) {
        const response = await login(payload);
        expect(response.statusCode, response.body).toBe(200);
        const body = response.json<Session>();
        expect(Object.keys(body).sort()).toEqual(['accessToken', 'refreshToken', 'user']);
        expect(Object.keys(body.user).sort()).toEqual(ownUserKeys);
        expect(body.user.id).toBe(user.id);
        expect(body.user.email).toBe(`${user.username}@example.test`);
        expect(response.body).not.toMatch(/passwordHash|password_hash|\$argon2/);
        expect((await me(`Bearer ${body.accessToken}`)).statusCode).toBe(200);
      }
    });

    it('gives the same 401 body for a wrong password and for an unknown user', async () => {
      const user = await registerUser(t.app);
      const wrongPassword = await login({ username: user.username, password: 'not the password' });
      const unknownUser = await login({ username: uniqueName('ghost'), password });
      const unknownEmail = await login({ email: `${uniqueName('ghost')}@example.test`, password });
      const wrong = expectError(wrongPassword, 401, 'UNAUTHORIZED');
      expect(expectError(unknownUser, 401, 'UNAUTHORIZED')).toEqual(wrong);
      expect(expectError(unknownEmail, 401, 'UNAUTHORIZED')).toEqual(wrong);
    });

    it('rejects a login with neither username nor email with 400', async () => {
      expectValidationError(await login({ password }));
    });

    it('rejects a login without a password with 400', async () => {
      const user = await registerUser(t.app);
      expectValidationError(await login({ username: user.username }), 'password');
    });

    it('rejects a password of the wrong type with 400', async () => {
      const user = await registerUser(t.app);
      expectValidationError(
        await login({ username: user.username, password: 12345678 }),
        'password',
      );
    });
  });

  describe('refresh', () => {
    it('answers 200 with a new token pair, and the new access token works', async () => {
      const user = await registerUser(t.app);
      const response = await refresh(user.refreshToken);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<{ accessToken: string; refreshToken: string }>();
      expect(Object.keys(body).sort()).toEqual(['accessToken', 'refreshToken']);
      expect(body.refreshToken).not.toBe(user.refreshToken);
      const who = await me(`Bearer ${body.accessToken}`);
      expect(who.statusCode).toBe(200);
      expect(who.json<{ user: UserBody }>().user.id).toBe(user.id);
    });

    it('answers a repeat within the grace window with the same pair, and refuses the token after it (rotation)', async () => {
      const user = await registerUser(t.app);
      const first = await refresh(user.refreshToken);
      expect(first.statusCode).toBe(200);
      const repeat = await refresh(user.refreshToken);
      expect(repeat.json()).toEqual(first.json());
      // 11 s later, as far as the database knows
      await t.runtime.deps.db
        .update(schema.refreshTokens)
        .set({ usedAt: new Date(Date.now() - 11_000) })
        .where(eq(schema.refreshTokens.tokenHash, digestSecret(user.refreshToken)));
      expectError(await refresh(user.refreshToken), 401, 'UNAUTHORIZED');
    });

    it('revokes the whole family when a rotated token is reused, so the newest one fails too', async () => {
      const user = await registerUser(t.app);
      const second = (await refresh(user.refreshToken)).json<{ refreshToken: string }>();
      const third = (await refresh(second.refreshToken)).json<{ refreshToken: string }>();
      // the first token leaked and is presented again
      expectError(await refresh(user.refreshToken), 401, 'UNAUTHORIZED');
      expectError(await refresh(third.refreshToken), 401, 'UNAUTHORIZED');
    });

    it('leaves other sessions of the same user alone when one family is revoked', async () => {
      const user = await registerUser(t.app);
      const other = (await login({ username: user.username, password })).json<Session>();
      await refresh(user.refreshToken);
      await t.runtime.deps.db
        .update(schema.refreshTokens)
        .set({ usedAt: new Date(Date.now() - 11_000) })
        .where(eq(schema.refreshTokens.tokenHash, digestSecret(user.refreshToken)));
      await refresh(user.refreshToken); // reuse after the window: revokes that family
      expect((await refresh(other.refreshToken)).statusCode).toBe(200);
    });

    it('rejects an unknown refresh token with 401', async () => {
      expectError(await refresh('not-a-token-this-server-gave'), 401, 'UNAUTHORIZED');
    });

    it('rejects an access token used as a refresh token with 401', async () => {
      const user = await registerUser(t.app);
      expectError(await refresh(user.accessToken), 401, 'UNAUTHORIZED');
    });

    it('rejects a missing or empty refresh token with 400', async () => {
      expectValidationError(
        await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: {} }),
        'refreshToken',
      );
      expectValidationError(await refresh(''), 'refreshToken');
    });
  });

  describe('logout', () => {
    it('answers 204 with no body and revokes that refresh token', async () => {
      const user = await registerUser(t.app);
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: user.auth,
        payload: { refreshToken: user.refreshToken },
      });
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expectError(await refresh(user.refreshToken), 401, 'UNAUTHORIZED');
    });

    it('keeps the other sessions of the user working', async () => {
      const user = await registerUser(t.app);
      const other = (await login({ username: user.username, password })).json<Session>();
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: user.auth,
        payload: { refreshToken: user.refreshToken },
      });
      expect((await refresh(other.refreshToken)).statusCode).toBe(200);
    });

    it('cannot revoke the refresh token of someone else', async () => {
      const victim = await registerUser(t.app);
      const attacker = await registerUser(t.app);
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: attacker.auth,
        payload: { refreshToken: victim.refreshToken },
      });
      expect(response.statusCode).toBe(204);
      expect((await refresh(victim.refreshToken)).statusCode).toBe(200);
    });

    it('requires an access token', async () => {
      const user = await registerUser(t.app);
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        payload: { refreshToken: user.refreshToken },
      });
      expectError(response, 401, 'UNAUTHORIZED');
      expect((await refresh(user.refreshToken)).statusCode).toBe(200);
    });

    it('rejects a body without a refresh token with 400', async () => {
      const user = await registerUser(t.app);
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: user.auth,
        payload: {},
      });
      expectValidationError(response, 'refreshToken');
    });
  });

  describe('me', () => {
    it('answers 200 with the own user, email included', async () => {
      const user = await registerUser(t.app);
      const response = await me(user.auth.authorization);
      expect(response.statusCode).toBe(200);
      const body = response.json<{ user: UserBody }>();
      expect(Object.keys(body)).toEqual(['user']);
      expect(Object.keys(body.user).sort()).toEqual(ownUserKeys);
      expect(body.user).toMatchObject({
        id: user.id,
        username: user.username,
        email: `${user.username}@example.test`,
      });
      expect(response.body).not.toMatch(/passwordHash|password_hash|\$argon2/);
    });

    it('changes the display name, avatar and status with PATCH and answers 200 with the user', async () => {
      const user = await registerUser(t.app);
      const response = await t.app.inject({
        method: 'PATCH',
        url: '/api/auth/me',
        headers: user.auth,
        payload: {
          displayName: '  Alice Liddell ',
          avatarUrl: 'https://example.test/a.png',
          status: 'dnd',
        },
      });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<{ user: UserBody }>();
      expect(Object.keys(body)).toEqual(['user']);
      expect(Object.keys(body.user).sort()).toEqual(ownUserKeys);
      expect(body.user).toMatchObject({
        id: user.id,
        displayName: 'Alice Liddell',
        avatarUrl: 'https://example.test/a.png',
      });
      const again = (await me(user.auth.authorization)).json<{ user: UserBody }>();
      expect(again.user).toMatchObject({
        displayName: 'Alice Liddell',
        avatarUrl: 'https://example.test/a.png',
      });
    });

    it('goes back to the username as display name when it is set to null', async () => {
      const user = await registerUser(t.app);
      const patch = (payload: Payload) =>
        t.app.inject({ method: 'PATCH', url: '/api/auth/me', headers: user.auth, payload });
      await patch({ displayName: 'Temporary' });
      const response = await patch({ displayName: null, avatarUrl: null });
      expect(response.statusCode).toBe(200);
      expect(response.json<{ user: UserBody }>().user).toMatchObject({
        displayName: user.username,
        avatarUrl: null,
      });
    });

    it('changes nothing for an empty PATCH', async () => {
      const user = await registerUser(t.app);
      const response = await t.app.inject({
        method: 'PATCH',
        url: '/api/auth/me',
        headers: user.auth,
        payload: {},
      });
      expect(response.statusCode).toBe(200);
      expect(response.json<{ user: UserBody }>().user).toMatchObject({
        id: user.id,
        displayName: user.username,
      });
    });

    it.each([
      ['an empty display name', { displayName: '   ' }, 'displayName'],
      ['a too long display name', { displayName: 'x'.repeat(65) }, 'displayName'],
      ['a display name that is a number', { displayName: 42 }, 'displayName'],
      ['a javascript: avatar url', { avatarUrl: 'javascript:alert(1)' }, 'avatarUrl'],
      ['an avatar that is no url', { avatarUrl: 'not a url' }, 'avatarUrl'],
      ['the status "offline", which only presence sets', { status: 'offline' }, 'status'],
      ['an unknown status', { status: 'sleeping' }, 'status'],
    ])('rejects %s with 400', async (_name, payload, path) => {
      const user = await registerUser(t.app);
      const response = await t.app.inject({
        method: 'PATCH',
        url: '/api/auth/me',
        headers: user.auth,
        payload,
      });
      expectValidationError(response, path);
    });
  });

  describe('access tokens', () => {
    let user: Awaited<ReturnType<typeof registerUser>>;
    beforeAll(async () => {
      user = await registerUser(t.app);
    });

    // Every route but register, login, refresh and the health checks (API.md "Conventions").
    const id = '4f1c0a8e-3b5d-4c2a-9e7f-1a2b3c4d5e6f';
    const protectedRoutes = [
      ['POST', '/api/auth/logout'],
      ['GET', '/api/auth/me'],
      ['PATCH', '/api/auth/me'],
      ['GET', '/api/users'],
      ['GET', `/api/users/${id}`],
      ['GET', '/api/channels'],
      ['POST', '/api/channels'],
      ['GET', `/api/channels/${id}`],
      ['POST', `/api/channels/${id}/members`],
      ['DELETE', `/api/channels/${id}/members/me`],
      ['GET', `/api/channels/${id}/members`],
      ['GET', `/api/channels/${id}/messages`],
      ['POST', `/api/channels/${id}/messages`],
      ['POST', `/api/channels/${id}/read`],
      ['PATCH', `/api/messages/${id}`],
      ['DELETE', `/api/messages/${id}`],
      ['POST', '/api/dms'],
    ] as const;

    it.each(protectedRoutes)('answers %s %s without a token with 401', async (method, url) => {
      const response = await t.app.inject({ method, url, payload: {} });
      expectError(response, 401, 'UNAUTHORIZED');
    });

    it.each(protectedRoutes)('answers %s %s with a forged token with 401', async (method, url) => {
      const key = new TextEncoder().encode('another-secret-another-secret-0123456789');
      const token = await signToken({ sub: user.id, name: user.username }, { key });
      const response = await t.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        payload: {},
      });
      expectError(response, 401, 'UNAUTHORIZED');
    });

    it('accepts the token it gave, in any case of "Bearer"', async () => {
      expect((await me(`Bearer ${user.accessToken}`)).statusCode).toBe(200);
      expect((await me(`bearer ${user.accessToken}`)).statusCode).toBe(200);
    });

    it.each([
      ['no Authorization header', undefined],
      ['an empty bearer', 'Bearer '],
      ['another scheme', 'Basic dXNlcjpwYXNz'],
      ['a token that is no JWT', 'Bearer not.a.jwt'],
      ['garbage', 'Bearer %%%'],
    ])('refuses %s with 401', async (_name, header) => {
      expectError(await me(header), 401, 'UNAUTHORIZED');
    });

    it('refuses a token whose payload was tampered with', async () => {
      const [header, payload, signature] = user.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const forged = Buffer.from(JSON.stringify({ ...claims, name: 'admin' })).toString(
        'base64url',
      );
      expectError(await me(`Bearer ${header}.${forged}.${signature}`), 401, 'UNAUTHORIZED');
    });

    it('refuses a token whose signature was tampered with', async () => {
      const last = user.accessToken.at(-2) === 'A' ? 'B' : 'A';
      const tampered = `${user.accessToken.slice(0, -2)}${last}${user.accessToken.slice(-1)}`;
      expectError(await me(`Bearer ${tampered}`), 401, 'UNAUTHORIZED');
    });

    it('refuses an expired token', async () => {
      const past = Math.floor(Date.now() / 1000) - 60;
      const token = await signToken({ sub: user.id, name: user.username }, { expiresAt: past });
      expectError(await me(`Bearer ${token}`), 401, 'UNAUTHORIZED');
    });

    it('refuses an unsigned token (alg: none)', async () => {
      const token = new UnsecuredJWT({ name: user.username })
        .setSubject(user.id)
        .setIssuer('chat')
        .setAudience('chat')
        .setIssuedAt()
        .setExpirationTime('15m')
        .encode();
      expectError(await me(`Bearer ${token}`), 401, 'UNAUTHORIZED');
    });

    it('refuses a token from another issuer or for another audience', async () => {
      const claims = { sub: user.id, name: user.username };
      expectError(
        await me(`Bearer ${await signToken(claims, { issuer: 'evil' })}`),
        401,
        'UNAUTHORIZED',
      );
      expectError(
        await me(`Bearer ${await signToken(claims, { audience: 'other-app' })}`),
        401,
        'UNAUTHORIZED',
      );
    });

    it('refuses a token signed with another key', async () => {
      const key = new TextEncoder().encode('another-secret-another-secret-0123456789');
      const token = await signToken({ sub: user.id, name: user.username }, { key });
      expectError(await me(`Bearer ${token}`), 401, 'UNAUTHORIZED');
    });

    it('accepts a token signed with the server key and the right claims', async () => {
      // the control for the refusals above: only the changed claim made them fail
      const token = await signToken({ sub: user.id, name: user.username });
      expect((await me(`Bearer ${token}`)).statusCode).toBe(200);
    });
  });
});
