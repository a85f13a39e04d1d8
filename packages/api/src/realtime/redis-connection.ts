// Opens the ioredis connections of the Redis backends (broker, presence), from a URL or options,
// with their errors reported rather than left to crash the process.
import { Redis, type RedisOptions } from 'ioredis';

/** Where Redis is: a URL (`redis://user:pass@host:6379/0`) or ioredis options. */
export type RedisConnection = string | RedisOptions;

export type ErrorReporter = (error: unknown) => void;

export const reportTo =
  (component: string): ErrorReporter =>
  (error) =>
    console.error(`[${component}]`, error);

export function openRedis(
  connection: RedisConnection,
  overrides: RedisOptions,
  onError: ErrorReporter,
): Redis {
  const client =
    typeof connection === 'string'
      ? new Redis(connection, overrides)
      : new Redis({ ...connection, ...overrides });
  // ioredis would prefix the KEYS of our scripts but not the keys they build, nor channels:
  // the backends take their own keyPrefix instead.
  if (client.options.keyPrefix) {
    client.disconnect();
    throw new Error(
      'ioredis keyPrefix is not supported here; pass keyPrefix to the backend instead',
    );
  }
  // ioredis reconnects by itself; an 'error' event without a listener would only be printed,
  // but a listener makes sure it is never thrown and goes where the caller reports errors.
  client.on('error', onError);
  return client;
}

/** QUIT, waiting for pending replies; drops the socket if Redis cannot be reached. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
