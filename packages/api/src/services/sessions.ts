// Whether an access token still stands: the one check every transport makes (REST, tRPC over
// HTTP, WebSocket and SSE, the /ws upgrade) before it lets a request or a connection in.
import { schema } from '@chat/db';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { unauthorized } from '../errors.js';
import type { Actor, ServiceDeps } from './deps.js';
import { verifyAccessTokenClaims } from './tokens.js';

const { users, refreshTokens } = schema;

/**
 * The actor of an access token that is validly signed, unexpired, and — read from the database
 * now, so that a change made by another instance or by the admin CLI counts at once — whose user
 * still exists, is not deactivated, has not had their token version bumped since, and whose
 * login was not logged out. UNAUTHORIZED otherwise.
 *
 * One primary-key read (plus an index probe when the token names its login) per request or
 * connection: what a cache would save is small next to what each request reads anyway, and
 * a cache could not see a CLI's write without a broker to tell it.
 */
export async function authenticate(deps: Pick<ServiceDeps, 'db' | 'tokens'>, token: string) {
  const { actor, tokenVersion } = await verifyAccessTokenClaims(deps.tokens, token);
  const loggedOut = actor.sessionId
    ? sql<boolean>`exists (${deps.db
        .select({ one: sql`1` })
        .from(refreshTokens)
        .where(
          and(eq(refreshTokens.familyId, actor.sessionId), isNotNull(refreshTokens.revokedAt)),
        )})`
    : sql<boolean>`false`;
  const [row] = await deps.db
    .select({
      tokenVersion: users.tokenVersion,
      deactivatedAt: users.deactivatedAt,
      loggedOut,
    })
    .from(users)
    .where(eq(users.id, actor.userId));
  if (!row || row.deactivatedAt || row.tokenVersion !== tokenVersion || row.loggedOut)
    throw unauthorized('Invalid or expired access token');
  return actor satisfies Actor;
}
