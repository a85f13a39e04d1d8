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

/**
 * Every call fails fast while Redis is away instead of queueing for the whole outage: a command
 * sent while disconnected is refused at once (no offline queue), one in flight on a lost
 * connection is failed rather than resent, none waits more than a second for its answer, and
 * reconnection is retried at least every half second so service resumes by itself. The callers
 * turn these failures into SERVICE_UNAVAILABLE.
 */
export const failFastRedisOptions = {
  connectTimeout: 1_000,
  commandTimeout: 1_000,
  maxRetriesPerRequest: 0,
  enableOfflineQueue: false,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 500),
} satisfies RedisOptions;

export function openRedis(
  connection: RedisConnection,
  overrides: RedisOptions,
  onError: ErrorReporter,
): Redis {
  const options = { ...failFastRedisOptions, ...overrides };
  const client =
    typeof connection === 'string'
      ? new Redis(connection, options)
      : new Redis({ ...failFastRedisOptions, ...connection, ...overrides });
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

/** Resolves once the client is connected, or after `timeoutMs` however it stands. */
export function readyOrTimeout(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
  });
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
