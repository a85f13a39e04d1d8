// Accounts and sessions: register, login, refresh-token rotation with reuse detection (and a
// grace window for concurrent refreshes), logout of one login.
import { randomUUID } from 'node:crypto';
import { schema, isUniqueViolation, type Queryable } from '@chat/db';
import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { conflict, unauthorized } from '../errors.js';
import type { LoginInput, RefreshTokenInput, RegisterInput } from '../schemas/index.js';
import type { Actor, ServiceDeps } from './deps.js';
import { hashPassword, verifyPassword } from './passwords.js';
import {
  digestSecret,
  newRefreshToken,
  signAccessToken,
  successorRefreshToken,
  type TokenConfig,
} from './tokens.js';
import { toOwnUser } from './users.js';
import type { OwnUser } from './views.js';

const { users, refreshTokens } = schema;

export interface Session {
  user: OwnUser;
  accessToken: string;
  refreshToken: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

const wrongCredentials = () => unauthorized('Wrong username or password');

/** Stores a new account (no session): registration, and the admin CLI's create-user. */
export async function createAccount(deps: ServiceDeps, input: RegisterInput) {
  const passwordHash = await hashPassword(input.password);
  try {
    const [row] = await deps.db
      .insert(users)
      .values({ username: input.username, email: input.email, passwordHash })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('That username or email is already taken');
    throw error;
  }
}

export async function register(deps: ServiceDeps, input: RegisterInput): Promise<Session> {
  return startSession(deps, await createAccount(deps, input));
}

/** The account a login names, by username or by email, in any case. */
async function accountByLogin(q: Queryable, name: string) {
  const login = name.toLowerCase();
  const [row] = await q
    .select()
    .from(users)
    .where(or(sql`lower(${users.username}) = ${login}`, sql`lower(${users.email}) = ${login}`))
    .limit(1);
  return row;
}

/**
 * What sign-in attempts are counted under: the account's username when the name is a known
 * username or email (so both count as one account), else the name itself — which is also what a
 * registration of that username counted under before the account existed.
 */
export async function attemptKey(deps: ServiceDeps, name: string): Promise<string> {
  const row = await accountByLogin(deps.db, name);
  return `account:${(row?.username ?? name).toLowerCase()}`;
}

export async function login(deps: ServiceDeps, input: LoginInput): Promise<Session> {
  const row = await accountByLogin(deps.db, input.username ?? input.email ?? '');
  // verifyPassword runs even for an unknown user, so timing does not tell which part was wrong
  const ok = await verifyPassword(row?.passwordHash, input.password);
  if (!row || !ok) throw wrongCredentials();
  if (row.deactivatedAt) throw unauthorized('This account has been deactivated');
  return startSession(deps, row);
}

/**
 * Swaps a refresh token for a new pair. Each token works once: presenting a used or revoked
 * one means it leaked, so the whole family (every token descended from that login) is revoked
 * — except within the grace window right after its use, while its successor is still unused:
 * that is two tabs refreshing at once, and the second one gets the same pair as the first.
 */
export async function refresh(deps: ServiceDeps, input: RefreshTokenInput): Promise<TokenPair> {
  const tokenHash = digestSecret(input.refreshToken);
  const successor = successorRefreshToken(deps.tokens, input.refreshToken);
  // Using the token and storing its successor commit together: a second presentation of the
  // same token waits on the row lock until the successor exists, and then finds it.
  const pair = await deps.db.transaction(async (tx) => {
    const [used] = await tx
      .update(refreshTokens)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(refreshTokens.tokenHash, tokenHash),
          isNull(refreshTokens.usedAt),
          isNull(refreshTokens.revokedAt),
          gt(refreshTokens.expiresAt, sql`now()`),
        ),
      )
      .returning();
    const rotation = used ?? (await justRotated(tx, deps.tokens, tokenHash, successor));
    if (!rotation?.usedAt) return undefined;
    const [user] = await tx
      .select({
        id: users.id,
        username: users.username,
        tokenVersion: users.tokenVersion,
        deactivatedAt: users.deactivatedAt,
      })
      .from(users)
      .where(eq(users.id, rotation.userId));
    if (!user || user.deactivatedAt) return undefined;
    if (used) await storeRefreshToken(tx, deps.tokens, user.id, used.familyId, successor);
    const actor = { userId: user.id, username: user.username };
    // Signed at the moment of use, the access token is the same for both presentations too.
    const accessToken = await signAccessToken(deps.tokens, actor, {
      tokenVersion: user.tokenVersion,
      sessionId: rotation.familyId,
      issuedAt: Math.floor(rotation.usedAt.getTime() / 1000),
    });
    return { accessToken, refreshToken: successor };
  });
  if (!pair) {
    await revokeFamilyOf(deps, tokenHash);
    throw unauthorized('Invalid refresh token');
  }
  return pair;
}

/** The token's row if it was used within the grace window and its successor is still unused. */
async function justRotated(
  q: Queryable,
  config: TokenConfig,
  tokenHash: string,
  successor: string,
) {
  const next = alias(refreshTokens, 'next');
  const [row] = await q
    .select({ token: refreshTokens })
    .from(refreshTokens)
    .innerJoin(next, eq(next.tokenHash, digestSecret(successor)))
    .where(
      and(
        eq(refreshTokens.tokenHash, tokenHash),
        isNull(refreshTokens.revokedAt),
        gt(refreshTokens.usedAt, sql`now() - make_interval(secs => ${config.refreshGraceSeconds})`),
        isNull(next.usedAt),
        isNull(next.revokedAt),
      ),
    );
  return row?.token;
}

/**
 * Logs one login out: its refresh tokens (the family of the one given, if it is the caller's)
 * are revoked, and so is the access token the request came with — checked on every request,
 * and its open streams close. The user's other logins (other devices) stay signed in.
 */
export async function logout(
  deps: ServiceDeps,
  actor: Actor,
  input: RefreshTokenInput,
): Promise<void> {
  const [presented] = await deps.db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(
      and(
        eq(refreshTokens.tokenHash, digestSecret(input.refreshToken)),
        eq(refreshTokens.userId, actor.userId),
      ),
    );
  const families = [...new Set([presented?.familyId, actor.sessionId])].filter(
    (id): id is string => id !== undefined,
  );
  if (families.length === 0) return;
  await deps.db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        inArray(refreshTokens.familyId, families),
        eq(refreshTokens.userId, actor.userId),
        isNull(refreshTokens.revokedAt),
      ),
    );
  for (const sessionId of families) {
    await deps.events.publish({ type: 'access_revoked', userId: actor.userId, sessionId });
  }
}

async function revokeFamilyOf(deps: ServiceDeps, tokenHash: string) {
  const [known] = await deps.db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, tokenHash));
  if (!known) return;
  await deps.db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(refreshTokens.familyId, known.familyId), isNull(refreshTokens.revokedAt)));
}

async function startSession(deps: ServiceDeps, row: typeof users.$inferSelect): Promise<Session> {
  const actor = { userId: row.id, username: row.username };
  const familyId = randomUUID();
  const refreshToken = newRefreshToken();
  await storeRefreshToken(deps.db, deps.tokens, row.id, familyId, refreshToken);
  const accessToken = await signAccessToken(deps.tokens, actor, {
    tokenVersion: row.tokenVersion,
    sessionId: familyId,
  });
  return { user: await toOwnUser(deps, row), accessToken, refreshToken };
}

async function storeRefreshToken(
  q: Queryable,
  config: TokenConfig,
  userId: string,
  familyId: string,
  refreshToken: string,
) {
  const expiresAt = new Date(Date.now() + config.refreshTokenTtlSeconds * 1000);
  await q.insert(refreshTokens).values({
    userId,
    familyId,
    tokenHash: digestSecret(refreshToken),
    expiresAt,
  });
}
