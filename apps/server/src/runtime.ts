// The long-lived pieces behind the HTTP app: database, broker, presence and token keys.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EventBus,
  InMemoryPresence,
  InProcessBroker,
  presenceService,
  RealtimeHub,
  RedisBroker,
  RedisPresence,
  tokenConfig,
  TypingThrottle,
  type Broker,
  type PresenceStore,
  type ServiceDeps,
  type TokenConfig,
} from '@chat/api/server';
import { Redis } from 'ioredis';
import { migrateDatabase, openDatabase, type DatabaseHandle } from '@chat/db';
import type { Config } from './env.js';
import { createLogger, type Logger } from './logger.js';

export interface Runtime {
  deps: ServiceDeps;
  database: DatabaseHandle;
  events: EventBus;
  presence: PresenceStore;
  /** With REDIS_URL: a connection for the rate limiters' shared counters. */
  redis: Redis | undefined;
  /** Throws when a backing store does not answer. */
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** An open, migrated database (tests); by default one is opened from the config. */
  database?: DatabaseHandle;
  tokenOverrides?: Partial<TokenConfig>;
  /** Where the Redis backends report connection errors. */
  log?: (message: string, error: unknown) => void;
  /** Timings of the realtime hub (tests shorten them). */
  realtime?: ConstructorParameters<typeof RealtimeHub>[2];
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
    const log = options.log ?? logTo(createLogger(config.logLevel));
    const { broker, presence } = realtimeBackends(config, log);
    const redis = config.redisUrl
      ? new Redis(config.redisUrl, { connectionName: 'chat-rate-limit' })
      : undefined;
    redis?.on('error', (error) => log('redis rate limits', error));
    const events = new EventBus(broker);
    const tokens = tokenConfig(
      config.jwtSecret ?? embeddedJwtSecret(config.dataDir),
      options.tokenOverrides,
    );
    const deps: ServiceDeps = {
      db: database.db,
      tokens,
      events,
      presence,
      typing: new TypingThrottle(),
      realtime: new RealtimeHub(database.db, broker, options.realtime),
    };
    // Users of a crashed instance go offline: one live instance hears of each and tells.
    presence.onUsersOffline(
      (userIds) => void presenceService.wentOffline(deps, userIds).catch(() => {}),
    );
    return {
      deps,
      database,
      events,
      presence,
      redis,
      checkReady: async () => {
        await Promise.all([database.ping(), broker.ping()]);
      },
      close: async () => {
        await presence.close();
        await events.broker.close();
        await redis?.quit();
        if (ownsDatabase) await database.close();
      },
    };
  } catch (error) {
    if (ownsDatabase) await database.close();
    throw error;
  }
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
