// The long-lived pieces behind the HTTP app: database, broker, presence and token keys.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EventBus,
  failFastRedisOptions,
  InMemoryPresence,
  InProcessBroker,
  presenceService,
  RealtimeHub,
  RedisBroker,
  RedisPresence,
  DiskStorage,
  SendBatcher,
  messagesService,
  serviceUnavailable,
  tokenConfig,
  TypingThrottle,
  type Broker,
  type ChatEvent,
  type PresenceStore,
  type ServiceDeps,
  type TokenConfig,
} from '@chat/api/server';
import { Redis } from 'ioredis';
import { migrateDatabase, openDatabase, type DatabaseHandle } from '@chat/db';
import type { Config } from './env.js';
import { createLogger, type Logger } from './logger.js';
import { metrics } from './metrics.js';
import { StoreBreaker } from './store-breaker.js';

export interface Runtime {
  deps: ServiceDeps;
  database: DatabaseHandle;
  events: EventBus;
  presence: PresenceStore;
  /** With REDIS_URL: a connection for the rate limiters' shared counters. */
  redis: Redis | undefined;
  /** The circuit breakers of the networked stores (Postgres, Redis) this instance uses. */
  breakers: StoreBreaker[];
  /** Throws SERVICE_UNAVAILABLE at once while a store is known to be down. */
  assertAvailable(): void;
  /** Tells the breakers of a failed call, so a store that went away is noticed. */
  reportFailure(error: unknown): void;
  /**
   * Watches a call that needs the stores (a request, a /ws frame): one still unsettled after
   * `slowCallMs` makes the breakers probe their stores. A store that does not answer the probe
   * opens its breaker, and the database's connections are dropped, which fails the call with
   * 503 — so no call waits on a store that went silent. Resolves as `work` does.
   */
  watch<T>(work: Promise<T>): Promise<T>;
  /** Throws SERVICE_UNAVAILABLE when a backing store does not answer within a second. */
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

/** How long a call may wait on the stores before they are probed (see `Runtime.watch`). */
export const slowCallMs = 500;

export interface RuntimeOptions {
  /** An open, migrated database (tests); by default one is opened from the config. */
  database?: DatabaseHandle;
  tokenOverrides?: Partial<TokenConfig>;
  /** Where the Redis backends report connection errors. */
  log?: (message: string, error: unknown) => void;
  /** Where a store going down or coming back is told (a pino warning by default). */
  notice?: (message: string) => void;
  /** Timings of the realtime hub (tests shorten them). */
  realtime?: ConstructorParameters<typeof RealtimeHub>[1];
}

export async function createRuntime(
  config: Config,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      pooler: config.databasePooler,
      migrationUrl: config.databaseMigrationUrl,
      pgliteDir: join(config.dataDir, 'pglite'),
    }));
  try {
    if (ownsDatabase) await migrateDatabase(database);
    const fallbackLogger = createLogger(config.logLevel);
    const log = options.log ?? logTo(fallbackLogger);
    const { broker, presence } = realtimeBackends(config, log);
    const redis = config.redisUrl
      ? new Redis(config.redisUrl, { ...failFastRedisOptions, connectionName: 'chat-rate-limit' })
      : undefined;
    redis?.on('error', (error) => log('redis rate limits', error));
    const events = new EventBus(broker);
    const tokens = tokenConfig(
      config.jwtSecret ?? embeddedJwtSecret(config.dataDir),
      options.tokenOverrides,
    );
    const fileUrls = { secret: tokens.secret, ttlSeconds: 3600 };
    const publisher = {
      // services publish after commit: the moment a message counts as committed
      publish: (event: ChatEvent) => {
        metrics.published(event);
        return events.publish(event);
      },
    };
    const sends = new SendBatcher({
      db: database.db,
      lookup: messagesService.messagesByIds,
      fileUrls,
      publish: publisher.publish,
      onPublishError: (error) => log('publishing a message', error),
      onBatch: (size) => metrics.sendBatch(size),
      // PGlite runs one transaction at a time: overlapping batches would only make them smaller
      maxInFlight: database.kind === 'pglite' ? 1 : 4,
    });
    const deps: ServiceDeps = {
      db: database.db,
      tokens,
      events: publisher,
      sends,
      presence,
      typing: new TypingThrottle(),
      realtime: new RealtimeHub({ db: database.db, broker, fileUrls }, options.realtime),
      files: {
        storage: config.s3
          ? // the AWS SDK (tens of MiB of heap) is loaded only when S3 is configured
            new (await import('@chat/api/storage/s3')).S3Storage(config.s3)
          : new DiskStorage(join(config.dataDir, 'files')),
        maxUploadBytes: config.maxUploadBytes,
        urls: fileUrls,
      },
    };
    // Users of a crashed instance go offline: one live instance hears of each and tells.
    presence.onUsersOffline(
      (userIds) => void presenceService.wentOffline(deps, userIds).catch(() => {}),
    );
    const notice = options.notice ?? ((message: string) => fallbackLogger.warn(message));
    const breakerOf = (name: string, probe: () => Promise<void>, onOpen = () => {}) =>
      new StoreBreaker(name, probe, {
        onChange: (open) => {
          notice(open ? `${name} is unavailable: answering 503` : `${name} is back`);
          if (open) onOpen();
        },
      });
    const pingRedis = async () => void (await Promise.all([broker.ping(), redis?.ping()]));
    // A moment for the connections to open, so the first requests do not find them connecting.
    if (redis) await firstAnswer(pingRedis, 3_000);
    // A database that does not answer its probe is given up on: every connection is dropped,
    // and the queries waiting on them fail at once (a connection cut off without a word would
    // hold them until TCP gives up); the probes that close the breaker open fresh ones.
    const databaseBreaker =
      database.kind === 'postgres'
        ? breakerOf(
            'The database',
            () => database.ping(),
            () => database.dropConnections?.(),
          )
        : undefined;
    // a lost connection is the first sign of a database that went away
    database.onConnectionLost?.(() => databaseBreaker?.suspect());
    const breakers = [
      ...(databaseBreaker ? [databaseBreaker] : []),
      ...(redis ? [breakerOf('Redis', pingRedis)] : []),
    ];
    return {
      deps,
      database,
      events,
      presence,
      redis,
      breakers,
      assertAvailable: () => {
        for (const breaker of breakers) breaker.assertClosed();
      },
      reportFailure: (error) => {
        for (const breaker of breakers) breaker.report(error);
      },
      watch: (work) => {
        if (breakers.length === 0) return work;
        const timer = setTimeout(() => {
          for (const breaker of breakers) breaker.suspect();
        }, slowCallMs);
        return work.finally(() => clearTimeout(timer));
      },
      checkReady: async () => {
        // The embedded database and broker run in this process: they answer or are closed.
        const embedded = [
          ...(database.kind === 'pglite' ? [database.ping()] : []),
          ...(redis ? [] : [broker.ping()]),
        ];
        const answers = await Promise.all(breakers.map((breaker) => breaker.check()));
        await Promise.all(embedded);
        if (answers.includes(false)) throw serviceUnavailable('A backing service is not answering');
      },
      close: async () => {
        await sends.close(); // what was sent before the shutdown is stored and acknowledged
        for (const breaker of breakers) breaker.stop();
        await presence.close();
        deps.files.storage.close();
        await events.broker.close();
        await redis?.quit().catch(() => redis.disconnect());
        if (ownsDatabase) await database.close();
      },
    };
  } catch (error) {
    if (ownsDatabase) await database.close();
    throw error;
  }
}

/** Resolves once `probe` succeeds, or after `timeoutMs`. */
async function firstAnswer(probe: () => Promise<void>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (
    !(await probe().then(
      () => true,
      () => false,
    )) &&
    Date.now() < deadline
  )
    await new Promise((resolve) => setTimeout(resolve, 50));
}

const logTo = (logger: Logger) => (message: string, error: unknown) =>
  logger.error({ err: error }, message);

/** In-process by default; through Redis, shared by every instance, when REDIS_URL is set. */
function realtimeBackends(
  config: Config,
  log: NonNullable<RuntimeOptions['log']>,
): { broker: Broker; presence: PresenceStore } {
  if (!config.redisUrl) {
    const broker = new InProcessBroker({ onError: (error) => log('in-process broker', error) });
    return { broker, presence: new InMemoryPresence() };
  }
  const keyPrefix = config.redisKeyPrefix;
  return {
    broker: new RedisBroker(config.redisUrl, {
      keyPrefix,
      onError: (error) => log('redis broker', error),
    }),
    presence: new RedisPresence({
      redis: config.redisUrl,
      keyPrefix,
      ttlMs: config.presenceTtlMs,
      heartbeatMs: Math.max(100, Math.floor(config.presenceTtlMs / 3)),
      onError: (error) => log('redis presence', error),
    }),
  };
}

/** Embedded mode keeps a generated secret in the data folder, so tokens survive restarts. */
function embeddedJwtSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
