// Accounts and sessions: register, login, refresh-token rotation with reuse detection, logout.
import { randomUUID } from 'node:crypto';
import { schema, isUniqueViolation, type Queryable } from '@chat/db';
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { conflict, unauthorized } from '../errors.js';
import type { LoginInput, RefreshTokenInput, RegisterInput } from '../schemas/index.js';
import type { Actor, ServiceDeps } from './deps.js';
import { hashPassword, verifyPassword } from './passwords.js';
import {
  digestRefreshToken,
  newRefreshToken,
  signAccessToken,
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

export async function register(deps: ServiceDeps, input: RegisterInput): Promise<Session> {
  const passwordHash = await hashPassword(input.password);
  try {
    const [row] = await deps.db
      .insert(users)
      .values({ username: input.username, email: input.email, passwordHash })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return await startSession(deps, row);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('That username or email is already taken');
    throw error;
  }
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
 * What sign-in attempts are counted under: the account's id when the name is a known username
 * or email (so both count as one account), else the name itself.
 */
export async function attemptKey(deps: ServiceDeps, name: string): Promise<string> {
  const row = await accountByLogin(deps.db, name);
  return row ? `account:${row.id}` : `name:${name.toLowerCase()}`;
}

export async function login(deps: ServiceDeps, input: LoginInput): Promise<Session> {
  const row = await accountByLogin(deps.db, input.username ?? input.email ?? '');
  // verifyPassword runs even for an unknown user, so timing does not tell which part was wrong
  const ok = await verifyPassword(row?.passwordHash, input.password);
  if (!row || !ok) throw wrongCredentials();
  return startSession(deps, row);
}

/**
 * Swaps a refresh token for a new pair. Each token works once: presenting a used or revoked
 * one means it leaked, so the whole family (every token descended from that login) is revoked.
 */
export async function refresh(deps: ServiceDeps, input: RefreshTokenInput): Promise<TokenPair> {
  const tokenHash = digestRefreshToken(input.refreshToken);
  // Using the token and storing its successor commit together: a second presentation of the
  // same token waits on the row lock until the successor exists, and then revokes it with the
  // rest of the family (with two steps it could revoke the family before the successor landed).
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
    if (!used) return undefined;
    const [user] = await tx
      .select({ id: users.id, username: users.username })
      .from(users)
      .where(eq(users.id, used.userId));
    if (!user) return undefined;
    const actor = { userId: user.id, username: user.username };
    return issueTokens(tx, deps.tokens, actor, used.familyId);
  });
  if (!pair) {
    await revokeFamilyOf(deps, tokenHash);
    throw unauthorized('Invalid refresh token');
  }
  return pair;
}

/** Revokes the caller's refresh token. Unknown or foreign tokens are ignored: 204 either way. */
export async function logout(
  deps: ServiceDeps,
  actor: Actor,
  input: RefreshTokenInput,
): Promise<void> {
  await deps.db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(refreshTokens.tokenHash, digestRefreshToken(input.refreshToken)),
        eq(refreshTokens.userId, actor.userId),
        isNull(refreshTokens.revokedAt),
      ),
    );
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
  const tokens = await issueTokens(deps.db, deps.tokens, actor, randomUUID());
  return { user: await toOwnUser(deps, row), ...tokens };
}

async function issueTokens(
  q: Queryable,
  config: TokenConfig,
  actor: Actor,
  familyId: string,
): Promise<TokenPair> {
  const refreshToken = newRefreshToken();
  const expiresAt = new Date(Date.now() + config.refreshTokenTtlSeconds * 1000);
  await q.insert(refreshTokens).values({
    userId: actor.userId,
    familyId,
    tokenHash: digestRefreshToken(refreshToken),
    expiresAt,
  });
  return { accessToken: await signAccessToken(config, actor), refreshToken };
}
