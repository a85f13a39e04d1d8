// Access tokens are short-lived HS256 JWTs; refresh tokens are random strings stored only as
// their SHA-256 digest.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { unauthorized } from '../errors.js';
import type { Actor } from './deps.js';

export interface TokenConfig {
  secret: Uint8Array;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /**
   * How long after a refresh token was used it still gives the same new pair: two tabs that
   * refresh at once both get it, instead of the second one counting as a stolen token's reuse.
   */
  refreshGraceSeconds: number;
}

export function tokenConfig(
  secret: string | Uint8Array,
  overrides: Partial<TokenConfig> = {},
): TokenConfig {
  return {
    secret: typeof secret === 'string' ? new TextEncoder().encode(secret) : secret,
    issuer: 'chat',
    audience: 'chat',
    accessTokenTtlSeconds: 15 * 60,
    refreshTokenTtlSeconds: 30 * 24 * 60 * 60,
    refreshGraceSeconds: 10,
    ...overrides,
  };
}

/** What an access token says besides who it is for. */
export interface AccessGrant {
  /** The user's token version when it was signed: a newer one makes it invalid. */
  tokenVersion: number;
  /** The login (refresh-token family) it belongs to: logging that out makes it invalid. */
  sessionId?: string;
  /** Seconds since the epoch; the default is now. Given, the same inputs sign the same token. */
  issuedAt?: number;
}

/** The claims of a verified access token: its actor and what the database must still confirm. */
export interface AccessClaims {
  actor: Actor;
  tokenVersion: number;
}

export function signAccessToken(
  config: TokenConfig,
  actor: Actor,
  grant: AccessGrant = { tokenVersion: 0 },
): Promise<string> {
  const issuedAt = grant.issuedAt ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, string | number> = { name: actor.username, ver: grant.tokenVersion };
  if (grant.sessionId) claims.sid = grant.sessionId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(actor.userId)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + config.accessTokenTtlSeconds)
    .sign(config.secret);
}

/**
 * The claims of a token this server signed and that has not expired; UNAUTHORIZED for anything
 * else (tampered, alg none…). Only the signature: whether the user and the session still stand
 * is the database's to say (`authenticate` in sessions.ts asks it).
 */
export async function verifyAccessTokenClaims(
  config: TokenConfig,
  token: string,
): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, config.secret, {
      algorithms: ['HS256'],
      issuer: config.issuer,
      audience: config.audience,
      // every token this server signs expires; one that does not was not signed by it
      requiredClaims: ['exp', 'sub'],
    });
    const { sub, name, ver = 0, sid } = payload;
    if (typeof sub !== 'string' || typeof name !== 'string') throw unauthorized();
    if (!Number.isInteger(ver) || (sid !== undefined && typeof sid !== 'string'))
      throw unauthorized();
    const actor: Actor = { userId: sub, username: name };
    if (typeof sid === 'string') actor.sessionId = sid;
    return { actor, tokenVersion: ver as number };
  } catch {
    throw unauthorized('Invalid or expired access token');
  }
}

/** The actor of a validly signed, unexpired token (signature only; see verifyAccessTokenClaims). */
export async function verifyAccessToken(config: TokenConfig, token: string): Promise<Actor> {
  return (await verifyAccessTokenClaims(config, token)).actor;
}

/** The token from an `Authorization: Bearer …` header value, if it has that form. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

export const newRefreshToken = () => randomBytes(32).toString('base64url');

/** SHA-256 (hex) of a stored secret: refresh tokens, personal access tokens, webhook secrets. */
export const digestSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * The token a refresh token is rotated into. Derived (keyed by the server's secret) rather
 * than random, so a second refresh with the same token inside the grace window can hand out
 * the very same successor, though only digests are stored.
 */
export const successorRefreshToken = (config: TokenConfig, token: string) =>
  createHmac('sha256', config.secret).update(`refresh-successor:${token}`).digest('base64url');
