// Fixtures for the realtime suites, which run against the in-process backends always and the
// Redis ones as well when REDIS_URL points at a server. Each test names its Redis keys and
// channels under a prefix of its own and deletes them after.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export type RealtimeKind = 'in-process' | 'redis';

export function testRealtimeKinds(): RealtimeKind[] {
  return process.env.REDIS_URL ? ['in-process', 'redis'] : ['in-process'];
}

export function testRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set');
  return url;
}

/** Unique to this test in this run, and free of glob characters (it is used in SCAN MATCH). */
export const uniqueKeyPrefix = () =>
  `test:${Date.now().toString(36)}:${randomBytes(4).toString('hex')}:`;

/** A connection of the test itself, to look at Redis from outside the code under test. */
export const openTestRedis = () => new Redis(testRedisUrl());

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
