// Limits on sign-in, registration and refresh attempts, per client address and per account,
// for every transport (REST routes, tRPC over HTTP and over its WebSocket). The counters live in
// memory, or in Redis (shared by all instances) when configured.
import { createLimiter, type LimitStore } from './rate-limit.js';

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

export function createAuthAttemptLimiter(
  store: LimitStore,
  limits: AuthRateLimits,
  /** The key of the account a name stands for (username and email give the same). */
  accountKey: (name: string) => Promise<string> = async (name) => name.toLowerCase(),
): AuthAttemptLimiter {
  const durationSeconds = Math.max(1, Math.ceil(limits.windowMs / 1000));
  const perIp = createLimiter(
    store,
    'auth:',
    { points: limits.perIp, durationSeconds },
    'Too many attempts from this address',
  );
  const perName = createLimiter(
    store,
    'auth:',
    { points: limits.perUsername, durationSeconds },
    'Too many attempts for this account',
  );
  return async (ip, name) => {
    await perIp(`auth-ip:${ip}`);
    if (name) await perName(`auth-${await accountKey(name)}`);
  };
}
