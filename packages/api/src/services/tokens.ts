// Access tokens are short-lived HS256 JWTs; refresh tokens are random strings stored only as
// their SHA-256 digest.
import { createHash, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { unauthorized } from '../errors.js';
import type { Actor } from './deps.js';

export interface TokenConfig {
  secret: Uint8Array;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
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
    ...overrides,
  };
}

export function signAccessToken(config: TokenConfig, actor: Actor): Promise<string> {
  return new SignJWT({ name: actor.username })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(actor.userId)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(`${config.accessTokenTtlSeconds}s`)
    .sign(config.secret);
}

/** The actor of a valid token; UNAUTHORIZED for anything else (expired, tampered, alg none…). */
export async function verifyAccessToken(config: TokenConfig, token: string): Promise<Actor> {
  try {
    const { payload } = await jwtVerify(token, config.secret, {
      algorithms: ['HS256'],
      issuer: config.issuer,
      audience: config.audience,
      // every token this server signs expires; one that does not was not signed by it
      requiredClaims: ['exp', 'sub'],
    });
    if (typeof payload.sub !== 'string' || typeof payload.name !== 'string') throw unauthorized();
    return { userId: payload.sub, username: payload.name };
  } catch {
    throw unauthorized('Invalid or expired access token');
  }
}

/** The token from an `Authorization: Bearer …` header value, if it has that form. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

export const newRefreshToken = () => randomBytes(32).toString('base64url');

/** SHA-256 (hex) of a stored secret: refresh tokens, personal access tokens, webhook secrets. */
export const digestSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export const digestRefreshToken = digestSecret;
