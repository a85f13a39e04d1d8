// Limits on sign-in, registration and refresh attempts, per client address and per account,
// for every transport (REST routes, tRPC over HTTP and over its WebSocket). The counters live in
// @fastify/rate-limit's store: in memory, or in Redis (shared by all instances) when configured.
import { RateLimitedError } from '@chat/api/server';
import type { FastifyInstance } from 'fastify';

export interface AuthRateLimits {
  perIp: number;
  perUsername: number;
  windowMs: number;
}

export const defaultAuthRateLimits: AuthRateLimits = {
  perIp: 30,
  perUsername: 10,
  windowMs: 60_000,
};

/** Counts one attempt from `ip` (for account `name`, if known); throws past either limit. */
export type AuthAttemptLimiter = (ip: string, name: string | undefined) => Promise<void>;

// createRateLimit takes a request only to derive a key and read its route's options; the key
// is made here, so a small stand-in serves for the WebSocket's raw requests as well.
interface KeyedRequest {
  key: string;
  routeOptions: { config: Record<string, never> };
}

export function createAuthAttemptLimiter(
  app: FastifyInstance,
  limits: AuthRateLimits,
  /** The key of the account a name stands for (username and email give the same). */
  accountKey: (name: string) => Promise<string> = async (name) => name.toLowerCase(),
): AuthAttemptLimiter {
  const keyGenerator = (request: unknown) => (request as KeyedRequest).key;
  const perIp = app.createRateLimit({
    max: limits.perIp,
    timeWindow: limits.windowMs,
    keyGenerator,
  });
  const perName = app.createRateLimit({
    max: limits.perUsername,
    timeWindow: limits.windowMs,
    keyGenerator,
  });
  const check = async (limiter: typeof perIp, key: string, message: string) => {
    const request: KeyedRequest = { key, routeOptions: { config: {} } };
    const result = await limiter(request as never);
    if (!result.isAllowed && result.isExceeded)
      throw new RateLimitedError(result.ttlInSeconds, message);
  };
  return async (ip, name) => {
    await check(perIp, `auth-ip:${ip}`, 'Too many attempts from this address');
    if (name)
      await check(perName, `auth-${await accountKey(name)}`, 'Too many attempts for this account');
  };
}
