// Rate limit counters, kept by rate-limiter-flexible: in memory, or in Redis when REDIS_URL is
// set, so that every instance counts against the same limit.
import { RateLimitedError } from '@chat/api/server';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface LimitStore {
  redis: Redis | undefined;
  /** Put before every key, as REDIS_KEY_PREFIX is before the app's other keys. */
  keyPrefix: string;
}

/** `points` hits per key in each window of `durationSeconds` (whole seconds, as Redis counts). */
export interface Limit {
  points: number;
  durationSeconds: number;
}

/** Counts one hit for `key`; throws RateLimitedError, with its retry-after, past the limit. */
export type Limiter = (key: string) => Promise<void>;

export function createLimiter(
  store: LimitStore,
  name: string,
  limit: Limit,
  message: string,
): Limiter {
  const options = {
    points: limit.points,
    duration: limit.durationSeconds,
    keyPrefix: `${store.keyPrefix}rate-limit:${name}`,
  };
  const limiter = store.redis
    ? new RateLimiterRedis({
        ...options,
        storeClient: store.redis,
        // While Redis is away each instance counts on its own rather than failing every write.
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      })
    : new RateLimiterMemory(options);
  return async (key) => {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), message);
    }
  };
}
