import { randomUUID } from 'node:crypto';
import { schema } from '@chat/db';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDeps,
  createUser,
  testDatabaseKinds,
  testJwtSecret,
  uniqueName,
  type TestDeps,
} from '../testing.js';
import * as auth from './auth.js';
import { authenticate } from './sessions.js';
import { digestSecret, signAccessToken, tokenConfig, verifyAccessToken } from './tokens.js';
import * as users from './users.js';

const password = 'correct horse battery';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(testDatabaseKinds())('auth service on %s', (kind) => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps(kind);
  });
  afterAll(() => deps.dispose());

  const register = (username = uniqueName(), email = `${username}@example.test`) =>
    auth.register(deps, { username, email, password });

  /** Moves a refresh token's use back in time, as if it had been rotated `seconds` ago. */
  const usedSecondsAgo = (refreshToken: string, seconds: number) =>
    deps.db
      .update(schema.refreshTokens)
      .set({ usedAt: new Date(Date.now() - seconds * 1000) })
      .where(eq(schema.refreshTokens.tokenHash, digestSecret(refreshToken)));

  describe('register', () => {
    it('stores the password as an argon2id hash, never in clear', async () => {
      const session = await register();
      const [row] = await deps.db
        .select()
        .from(schema.users)
        .where(eq(schema.users.id, session.user.id));
      expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
      expect(row?.passwordHash).not.toContain(password);
    });

    it('returns the new user with their email and a working token pair', async () => {
      const username = uniqueName();
      const session = await register(username);
      expect(session.user).toMatchObject({
        username,
        email: `${username}@example.test`,
        displayName: username,
      });
      await expect(verifyAccessToken(deps.tokens, session.accessToken)).resolves.toMatchObject({
        userId: session.user.id,
        username,
      });
      await expect(
        auth.refresh(deps, { refreshToken: session.refreshToken }),
      ).resolves.toHaveProperty('accessToken');
    });

    it('refuses a username already taken in another case with CONFLICT', async () => {
      const username = uniqueName('Taken');
      await register(username);
      await expect(
        register(username.toLowerCase(), `${uniqueName()}@example.test`),
      ).rejects.toMatchObject({
        code: 'CONFLICT',
      });
    });

    it('refuses an email already taken in another case with CONFLICT', async () => {
      const email = `${uniqueName()}@Example.test`;
      await register(uniqueName(), email);
      await expect(register(uniqueName(), email.toUpperCase())).rejects.toMatchObject({
        code: 'CONFLICT',
      });
    });
  });

  describe('login', () => {
    it('accepts the username in any case', async () => {
      const user = await createUser(deps, { username: uniqueName('Mixed') });
      const session = await auth.login(deps, { username: user.username.toUpperCase(), password });
      expect(session.user.id).toBe(user.userId);
      await expect(verifyAccessToken(deps.tokens, session.accessToken)).resolves.toMatchObject({
        userId: user.userId,
      });
    });

    it('accepts the email in any case', async () => {
      const user = await createUser(deps);
      const session = await auth.login(deps, {
        email: `${user.username}@EXAMPLE.test`.toUpperCase(),
        password,
      });
      expect(session.user.id).toBe(user.userId);
    });

    it('gives the same UNAUTHORIZED answer for a wrong password and for an unknown user', async () => {
      const user = await createUser(deps);
      const wrongPassword = await auth
        .login(deps, { username: user.username, password: 'not the password' })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      const unknownUser = await auth.login(deps, { username: uniqueName('nobody'), password }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(wrongPassword).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(unknownUser).toMatchObject({ code: 'UNAUTHORIZED' });
      expect((wrongPassword as Error).message).toBe((unknownUser as Error).message);
    });
  });

  describe('access tokens', () => {
    it('gives back the actor of a token it signed', async () => {
      const token = await signAccessToken(deps.tokens, {
        userId: randomUUID(),
        username: 'someone',
      });
      await expect(verifyAccessToken(deps.tokens, token)).resolves.toMatchObject({
        username: 'someone',
      });
    });

    it('refuses a token signed with another secret', async () => {
      const other = tokenConfig('another-secret-another-secret-another-secret');
      const token = await signAccessToken(other, { userId: randomUUID(), username: 'someone' });
      await expect(verifyAccessToken(deps.tokens, token)).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('refuses a token whose payload was changed after signing', async () => {
      const token = await signAccessToken(deps.tokens, {
        userId: randomUUID(),
        username: 'someone',
      });
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const forged = `${header}.${base64url({ ...claims, name: 'admin' })}.${signature}`;
      await expect(verifyAccessToken(deps.tokens, forged)).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('refuses an expired token', async () => {
      const token = await new SignJWT({ name: 'someone' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(randomUUID())
        .setIssuer(deps.tokens.issuer)
        .setAudience(deps.tokens.audience)
        .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(new TextEncoder().encode(testJwtSecret));
      await expect(verifyAccessToken(deps.tokens, token)).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('refuses an unsigned token (alg none)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({
        sub: randomUUID(),
        name: 'someone',
        iss: deps.tokens.issuer,
        aud: deps.tokens.audience,
        iat: now,
        exp: now + 600,
      })}.`;
      await expect(verifyAccessToken(deps.tokens, token)).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('refuses a token of another issuer or for another audience', async () => {
      const actor = { userId: randomUUID(), username: 'someone' };
      const otherIssuer = await signAccessToken({ ...deps.tokens, issuer: 'elsewhere' }, actor);
      const otherAudience = await signAccessToken({ ...deps.tokens, audience: 'elsewhere' }, actor);
      await expect(verifyAccessToken(deps.tokens, otherIssuer)).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
      await expect(verifyAccessToken(deps.tokens, otherAudience)).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('refuses a token without an expiry or a subject, even when properly signed', async () => {
      const secret = new TextEncoder().encode(testJwtSecret);
      const signed = (build: (jwt: SignJWT) => SignJWT) =>
        build(
          new SignJWT({ name: 'someone' })
            .setProtectedHeader({ alg: 'HS256' })
            .setIssuer(deps.tokens.issuer)
            .setAudience(deps.tokens.audience)
            .setIssuedAt(),
        ).sign(secret);
      const forever = await signed((jwt) => jwt.setSubject(randomUUID()));
      const nobody = await signed((jwt) => jwt.setExpirationTime('5m'));
      await expect(verifyAccessToken(deps.tokens, forever)).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
      await expect(verifyAccessToken(deps.tokens, nobody)).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('refuses a string that is not a token', async () => {
      await expect(verifyAccessToken(deps.tokens, 'not.a.token')).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });
  });

  describe('refresh tokens', () => {
    it('swaps a refresh token for a new pair and refuses the old one once the grace window is over', async () => {
      const user = await createUser(deps);
      const next = await auth.refresh(deps, { refreshToken: user.refreshToken });
      expect(next.refreshToken).not.toBe(user.refreshToken);
      await expect(verifyAccessToken(deps.tokens, next.accessToken)).resolves.toMatchObject({
        userId: user.userId,
        username: user.username,
      });
      await usedSecondsAgo(user.refreshToken, 11);
      await expect(auth.refresh(deps, { refreshToken: user.refreshToken })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('revokes the whole family when a rotated token is reused, the newest token included', async () => {
      const user = await createUser(deps);
      const second = await auth.refresh(deps, { refreshToken: user.refreshToken });
      const third = await auth.refresh(deps, { refreshToken: second.refreshToken });
      // someone replays the stolen first token
      await expect(auth.refresh(deps, { refreshToken: user.refreshToken })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
      await expect(auth.refresh(deps, { refreshToken: third.refreshToken })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('leaves the sessions of other logins alone when one family is revoked', async () => {
      const user = await createUser(deps);
      const otherLogin = await auth.login(deps, { username: user.username, password });
      await auth.refresh(deps, { refreshToken: user.refreshToken });
      await usedSecondsAgo(user.refreshToken, 11);
      await expect(auth.refresh(deps, { refreshToken: user.refreshToken })).rejects.toThrow();
      await expect(
        auth.refresh(deps, { refreshToken: otherLogin.refreshToken }),
      ).resolves.toHaveProperty('refreshToken');
    });

    it('gives two simultaneous refreshes with one token the same new pair, and both of it work', async () => {
      for (let round = 0; round < 5; round++) {
        const user = await createUser(deps);
        const [first, second] = await Promise.all([
          auth.refresh(deps, { refreshToken: user.refreshToken }),
          auth.refresh(deps, { refreshToken: user.refreshToken }),
        ]);
        expect(second).toEqual(first);
        await expect(authenticate(deps, first.accessToken)).resolves.toMatchObject({
          userId: user.userId,
        });
        // the family lives on: the shared successor rotates as usual
        await expect(
          auth.refresh(deps, { refreshToken: first.refreshToken }),
        ).resolves.toHaveProperty('refreshToken');
      }
    });

    it('answers a late repeat within 10 s with the same pair, as long as that pair is unused', async () => {
      const user = await createUser(deps);
      const first = await auth.refresh(deps, { refreshToken: user.refreshToken });
      await usedSecondsAgo(user.refreshToken, 8);
      const repeat = await auth.refresh(deps, { refreshToken: user.refreshToken });
      // (the access token is signed at the moment of use, which the test moved: it differs here)
      expect(repeat.refreshToken).toBe(first.refreshToken);
      await expect(authenticate(deps, repeat.accessToken)).resolves.toMatchObject({
        userId: user.userId,
      });
    });

    it('revokes the family when a token is presented again after the 10 s window, the new pair included', async () => {
      const user = await createUser(deps);
      const next = await auth.refresh(deps, { refreshToken: user.refreshToken });
      await usedSecondsAgo(user.refreshToken, 11);
      await expect(auth.refresh(deps, { refreshToken: user.refreshToken })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
      await expect(auth.refresh(deps, { refreshToken: next.refreshToken })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
      // and the access token of that login is refused too: the family is the session
      await expect(authenticate(deps, next.accessToken)).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('refuses an unknown refresh token', async () => {
      await expect(auth.refresh(deps, { refreshToken: 'made-up' })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('refuses an expired refresh token', async () => {
      const shortLived = { ...deps, tokens: { ...deps.tokens, refreshTokenTtlSeconds: -1 } };
      const session = await auth.register(shortLived, {
        username: uniqueName(),
        email: `${uniqueName()}@example.test`,
        password,
      });
      await expect(
        auth.refresh(deps, { refreshToken: session.refreshToken }),
      ).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });
  });

  describe('logout', () => {
    it('revokes the refresh token it is given', async () => {
      const user = await createUser(deps);
      await auth.logout(deps, user, { refreshToken: user.refreshToken });
      await expect(auth.refresh(deps, { refreshToken: user.refreshToken })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it("does not revoke another user's refresh token", async () => {
      const user = await createUser(deps);
      const intruder = await createUser(deps);
      await auth.logout(deps, intruder, { refreshToken: user.refreshToken });
      await expect(auth.refresh(deps, { refreshToken: user.refreshToken })).resolves.toHaveProperty(
        'accessToken',
      );
    });

    it('accepts an unknown refresh token without complaint', async () => {
      const user = await createUser(deps);
      await expect(auth.logout(deps, user, { refreshToken: 'made-up' })).resolves.toBeUndefined();
    });
  });

  it('never returns the password hash', async () => {
    const username = uniqueName();
    const session = await register(username);
    const actor = { userId: session.user.id, username };
    const outputs: unknown[] = [
      session,
      await auth.login(deps, { username, password }),
      await auth.refresh(deps, { refreshToken: session.refreshToken }),
      await users.me(deps, actor),
      await users.updateProfile(deps, actor, { displayName: 'Someone' }),
      await users.getUser(deps, actor.userId),
      await users.listUsers(deps, { limit: 100, q: username }),
    ];
    for (const output of outputs) {
      const json = JSON.stringify(output);
      expect(json).not.toMatch(/passwordHash|password_hash|\$argon2/);
    }
  });
});
