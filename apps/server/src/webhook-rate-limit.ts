// How often one incoming webhook may post (Slack allows about one a second, in short bursts).
// Counted with rate-limiter-flexible: in memory, or in Redis (shared by every instance).
import { AppError, RateLimitedError } from '@chat/api/server';
import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

export interface WebhookRateLimit {
  /** Posts allowed per window. */
  points: number;
  windowSeconds: number;
}

export const defaultWebhookRateLimit: WebhookRateLimit = { points: 20, windowSeconds: 20 };

/** Counts one post for the webhook with this key; TOO_MANY_REQUESTS past the limit. */
export type WebhookLimiter = (key: string) => Promise<void>;

export function createWebhookLimiter(
  limit: WebhookRateLimit,
  redis: Redis | undefined,
  keyPrefix: string,
): WebhookLimiter {
  const options = { points: limit.points, duration: limit.windowSeconds };
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({
        ...options,
        storeClient: redis,
        keyPrefix: `${keyPrefix}webhook-rate`,
        // a Redis that is down answers 503 at once instead of queueing the request
        rejectIfRedisNotReady: true,
      })
    : new RateLimiterMemory(options);
  return async (key) => {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        throw new RateLimitedError(seconds, 'Too many posts through this webhook');
      }
      throw new AppError(
        'SERVICE_UNAVAILABLE',
        'The rate limiter is unavailable; try again shortly',
      );
    }
  };
}
