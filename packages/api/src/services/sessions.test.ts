import { schema } from '@chat/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  createTestDeps,
  createUser,
  postMessages,
  publishedSince,
  testDatabaseKinds,
  type TestDeps,
} from '../testing.js';
import * as accounts from './accounts.js';
import * as auth from './auth.js';
import { authenticate } from './sessions.js';
import { signAccessToken } from './tokens.js';

const password = 'correct horse battery';

describe.each(testDatabaseKinds())('access that ends at once, on %s', (kind) => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps(kind);
  });
  afterAll(() => deps.dispose());

  const refused = { code: 'UNAUTHORIZED' };

  it('accepts the access token of a live session', async () => {
    const user = await createUser(deps);
    await expect(authenticate(deps, user.accessToken)).resolves.toMatchObject({
      userId: user.userId,
      username: user.username,
    });
  });

  it('refuses the token of a user whose row is gone', async () => {
    const user = await createUser(deps);
    await deps.db.delete(schema.users).where(eq(schema.users.id, user.userId));
    await expect(authenticate(deps, user.accessToken)).rejects.toMatchObject(refused);
  });

  it('refuses every token of a deactivated user, and their sign-in and refresh, and tells their streams', async () => {
    const user = await createUser(deps);
    const otherLogin = await auth.login(deps, { username: user.username, password });
    const mark = deps.published.length;
    const account = await accounts.deactivate(deps, user.username);
    expect(account.deactivatedAt).not.toBeNull();
    await expect(authenticate(deps, user.accessToken)).rejects.toMatchObject(refused);
    await expect(authenticate(deps, otherLogin.accessToken)).rejects.toMatchObject(refused);
    await expect(auth.refresh(deps, { refreshToken: user.refreshToken })).rejects.toMatchObject(
      refused,
    );
    await expect(auth.login(deps, { username: user.username, password })).rejects.toMatchObject(
      refused,
    );
    expect(publishedSince(deps, mark)).toEqual([{ type: 'access_revoked', userId: user.userId }]);
  });

  it('refuses a token signed under an older token version (a password reset ends every session)', async () => {
    const user = await createUser(deps);
    await accounts.resetPassword(deps, user.userId, 'a brand new password');
    await expect(authenticate(deps, user.accessToken)).rejects.toMatchObject(refused);
    await expect(auth.refresh(deps, { refreshToken: user.refreshToken })).rejects.toMatchObject(
      refused,
    );
    const fresh = await auth.login(deps, {
      username: user.username,
      password: 'a brand new password',
    });
    await expect(authenticate(deps, fresh.accessToken)).resolves.toMatchObject({
      userId: user.userId,
    });
    // a forged-looking old version does not come back either: the version only grows
    const stale = await signAccessToken(deps.tokens, user, { tokenVersion: 0 });
    await expect(authenticate(deps, stale)).rejects.toMatchObject(refused);
  });

  it('logs one login out, access token included, and leaves the other logins signed in', async () => {
    const user = await createUser(deps);
    const phone = await auth.login(deps, { username: user.username, password });
    const laptop = await authenticate(deps, user.accessToken);
    const mark = deps.published.length;
    await auth.logout(deps, laptop, { refreshToken: user.refreshToken });
    await expect(authenticate(deps, user.accessToken)).rejects.toMatchObject(refused);
    await expect(auth.refresh(deps, { refreshToken: user.refreshToken })).rejects.toMatchObject(
      refused,
    );
    await expect(authenticate(deps, phone.accessToken)).resolves.toMatchObject({
      userId: user.userId,
    });
    await expect(auth.refresh(deps, { refreshToken: phone.refreshToken })).resolves.toHaveProperty(
      'accessToken',
    );
    expect(publishedSince(deps, mark)).toEqual([
      { type: 'access_revoked', userId: user.userId, sessionId: laptop.sessionId },
    ]);
  });

  it('keeps a refreshed access token in its login: logging out ends it too', async () => {
    const user = await createUser(deps);
    const next = await auth.refresh(deps, { refreshToken: user.refreshToken });
    const actor = await authenticate(deps, next.accessToken);
    await auth.logout(deps, actor, { refreshToken: next.refreshToken });
    await expect(authenticate(deps, next.accessToken)).rejects.toMatchObject(refused);
    await expect(authenticate(deps, user.accessToken)).rejects.toMatchObject(refused);
  });

  describe('operator actions', () => {
    it('finds a user by id, username or email in any case', async () => {
      const user = await createUser(deps);
      for (const ref of [user.userId, user.username.toUpperCase(), `${user.username}@EXAMPLE.test`])
        await expect(accounts.findAccount(deps, ref)).resolves.toMatchObject({ id: user.userId });
      await expect(accounts.findAccount(deps, 'nobody-at-all')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('promotes a user to admin', async () => {
      const user = await createUser(deps);
      await expect(accounts.setAdmin(deps, user.username, true)).resolves.toMatchObject({
        isAdmin: true,
      });
      const [row] = await deps.db
        .select({ isAdmin: schema.users.isAdmin })
        .from(schema.users)
        .where(eq(schema.users.id, user.userId));
      expect(row?.isAdmin).toBe(true);
    });

    it("exports a channel's whole history, oldest first, by id or by name", async () => {
      const owner = await createUser(deps);
      const channel = await createChannel(deps, owner);
      const posted = await postMessages(deps, owner, channel.id, 7);
      for (const ref of [channel.id, channel.name ?? '']) {
        const exported = await accounts.exportChannel(deps, ref);
        expect(exported.channel).toMatchObject({ id: channel.id, name: channel.name, lastSeq: 7 });
        const messages = [];
        for await (const message of exported.messages) messages.push(message);
        expect(messages.map((m) => m.id)).toEqual(posted.map((m) => m.id));
      }
      await expect(accounts.exportChannel(deps, 'no-such-channel')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });
});
