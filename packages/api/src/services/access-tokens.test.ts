import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDeps,
  createUser,
  publishedSince,
  testDatabaseKinds,
  type TestDeps,
  type TestUser,
} from '../testing.js';
import * as accessTokens from './access-tokens.js';

describe.each(testDatabaseKinds())('access tokens service on %s', (kind) => {
  let deps: TestDeps;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    deps = await createTestDeps(kind);
    [alice, bob] = await Promise.all([createUser(deps), createUser(deps)]);
  });
  afterAll(() => deps.dispose());

  it('resolves a JWT and a personal access token to the same owner', async () => {
    const { token, secret } = await accessTokens.createAccessToken(deps, alice, { name: 'bot' });
    await expect(accessTokens.authenticateBearer(deps, alice.accessToken)).resolves.toMatchObject({
      userId: alice.userId,
      username: alice.username,
    });
    await expect(accessTokens.authenticateBearer(deps, secret)).resolves.toEqual({
      userId: alice.userId,
      username: alice.username,
      accessTokenId: token.id,
    });
    await expect(accessTokens.authenticateBearer(deps, `${secret}x`)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('revokes only the owner’s token, and tells the owner’s topic', async () => {
    const { token, secret } = await accessTokens.createAccessToken(deps, alice, { name: 'bot' });
    await expect(accessTokens.revokeAccessToken(deps, bob, token.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const mark = deps.published.length;
    await accessTokens.revokeAccessToken(deps, alice, token.id);
    expect(publishedSince(deps, mark)).toEqual([
      { type: 'access_revoked', userId: alice.userId, accessTokenId: token.id },
    ]);
    await expect(accessTokens.authenticateBearer(deps, secret)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('calls back at once when the token was revoked before the watch began', async () => {
    const { secret, token } = await accessTokens.createAccessToken(deps, alice, { name: 'bot' });
    const actor = await accessTokens.authenticateBearer(deps, secret);
    await accessTokens.revokeAccessToken(deps, alice, token.id);
    let revoked = 0;
    const stop = await accessTokens.watchRevocation(deps, actor, () => revoked++);
    expect(revoked).toBe(1);
    stop();
  });
});
