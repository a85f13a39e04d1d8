// Personal access tokens: long-lived bearer secrets for scripts and bots, with the rights of
// their owner. Only their SHA-256 digest is stored, and every use looks it up, so a revoked
// token stops working at once on every instance; its open sockets close through the broker.
import { randomBytes } from 'node:crypto';
import { schema } from '@chat/db';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { notFound, unauthorized } from '../errors.js';
import type { CreateAccessTokenInput } from '../schemas/index.js';
import type { Actor, ServiceDeps } from './deps.js';
import { revokesActor } from '../realtime/events.js';
import { authenticate as authenticateAccessToken } from './sessions.js';
import { digestSecret } from './tokens.js';
import { iso, isoOrNull, type AccessToken } from './views.js';

const { personalAccessTokens, users } = schema;

/** Every secret starts with this, so it is recognisable (in a leaked log, to a secret scanner). */
export const accessTokenPrefix = 'chat_pat_';

/** lastUsedAt moves at most this often: a busy bot does not write a row per request. */
const lastUsedResolutionMs = 60_000;

const dayMs = 24 * 60 * 60 * 1000;

function toAccessToken(row: typeof personalAccessTokens.$inferSelect): AccessToken {
  return {
    id: row.id,
    name: row.name,
    createdAt: iso(row.createdAt),
    expiresAt: isoOrNull(row.expiresAt),
    lastUsedAt: isoOrNull(row.lastUsedAt),
  };
}

export async function createAccessToken(
  deps: ServiceDeps,
  actor: Actor,
  input: CreateAccessTokenInput,
): Promise<{ token: AccessToken; secret: string }> {
  const secret = accessTokenPrefix + randomBytes(32).toString('base64url');
  const [row] = await deps.db
    .insert(personalAccessTokens)
    .values({
      userId: actor.userId,
      name: input.name,
      tokenHash: digestSecret(secret),
      expiresAt:
        input.expiresInDays === undefined
          ? null
          : new Date(Date.now() + input.expiresInDays * dayMs),
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return { token: toAccessToken(row), secret };
}

export async function listAccessTokens(
  deps: ServiceDeps,
  actor: Actor,
): Promise<{ items: AccessToken[] }> {
  const rows = await deps.db
    .select()
    .from(personalAccessTokens)
    .where(eq(personalAccessTokens.userId, actor.userId))
    .orderBy(desc(personalAccessTokens.createdAt), desc(personalAccessTokens.id));
  return { items: rows.map(toAccessToken) };
}

/** Deletes one of the caller's tokens; another user's token is NOT_FOUND, as an unknown one. */
export async function revokeAccessToken(
  deps: ServiceDeps,
  actor: Actor,
  tokenId: string,
): Promise<void> {
  const [row] = await deps.db
    .delete(personalAccessTokens)
    .where(and(eq(personalAccessTokens.id, tokenId), eq(personalAccessTokens.userId, actor.userId)))
    .returning({ id: personalAccessTokens.id });
  if (!row) throw notFound('Token');
  await deps.events.publish({
    type: 'access_revoked',
    userId: actor.userId,
    accessTokenId: tokenId,
  });
}

/**
 * The owner of a live personal access token; UNAUTHORIZED for an unknown, revoked or expired
 * one, or one of a deactivated user.
 */
export async function actorOfAccessToken(deps: ServiceDeps, secret: string): Promise<Actor> {
  const [row] = await deps.db
    .select({
      id: personalAccessTokens.id,
      lastUsedAt: personalAccessTokens.lastUsedAt,
      userId: users.id,
      username: users.username,
    })
    .from(personalAccessTokens)
    .innerJoin(users, eq(users.id, personalAccessTokens.userId))
    .where(
      and(
        eq(personalAccessTokens.tokenHash, digestSecret(secret)),
        isNull(users.deactivatedAt),
        sql`(${personalAccessTokens.expiresAt} is null or ${personalAccessTokens.expiresAt} > now())`,
      ),
    );
  if (!row) throw unauthorized('Invalid, revoked or expired access token');
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > lastUsedResolutionMs) {
    await deps.db
      .update(personalAccessTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(personalAccessTokens.id, row.id));
  }
  return { userId: row.userId, username: row.username, accessTokenId: row.id };
}

/**
 * The one place a bearer string becomes an actor, for every transport: a personal access token
 * (by its prefix) or a signed access token (JWT). UNAUTHORIZED for anything else.
 */
export function authenticateBearer(deps: ServiceDeps, token: string): Promise<Actor> {
  return token.startsWith(accessTokenPrefix)
    ? actorOfAccessToken(deps, token)
    : authenticateAccessToken(deps, token);
}

/**
 * Calls `onRevoked` once the actor's personal access token is revoked (on any instance); at once
 * if it already was by the time the watch is live. Does nothing for other sign-ins. Returns the
 * function that stops watching.
 */
export async function watchRevocation(
  deps: ServiceDeps,
  actor: Actor,
  onRevoked: () => void,
): Promise<() => void> {
  const tokenId = actor.accessTokenId;
  if (!tokenId) return () => {};
  const stop = await deps.realtime.watchUser(actor.userId, (event) => {
    if (event.type === 'access_revoked' && revokesActor(event, actor)) onRevoked();
  });
  // A revoke between the sign-in and the watch going live published before anyone listened.
  const [still] = await deps.db
    .select({ id: personalAccessTokens.id })
    .from(personalAccessTokens)
    .where(eq(personalAccessTokens.id, tokenId));
  if (!still) onRevoked();
  return stop;
}
