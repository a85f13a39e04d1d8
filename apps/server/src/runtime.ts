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
  tokenConfig,
  TypingThrottle,
  type PresenceStore,
  type ServiceDeps,
  type TokenConfig,
} from '@chat/api/server';
import { migrateDatabase, openDatabase, type DatabaseHandle } from '@chat/db';
import type { Config } from './env.js';

export interface Runtime {
  deps: ServiceDeps;
  database: DatabaseHandle;
  events: EventBus;
  presence: PresenceStore;
  /** Throws when a backing store does not answer. */
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** An open, migrated database (tests); by default one is opened from the config. */
  database?: DatabaseHandle;
  tokenOverrides?: Partial<TokenConfig>;
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: join(config.dataDir, 'pglite') }));
  try {
    if (ownsDatabase) await migrateDatabase(database);
    const broker = new InProcessBroker();
    const events = new EventBus(broker);
    const presence = new InMemoryPresence();
    const tokens = tokenConfig(config.jwtSecret ?? embeddedJwtSecret(config.dataDir), options.tokenOverrides);
    const deps: ServiceDeps = {
      db: database.db,
      tokens,
      events,
      presence,
      typing: new TypingThrottle(),
      realtime: new RealtimeHub(database.db, broker),
    };
    // Users of a crashed instance go offline: one live instance hears of each and tells.
    presence.onUsersOffline((userIds) => void presenceService.wentOffline(deps, userIds).catch(() => {}));
    return {
      deps,
      database,
      events,
      presence,
      checkReady: () => database.ping(),
      close: async () => {
        await presence.close();
        await events.broker.close();
        if (ownsDatabase) await database.close();
      },
    };
  } catch (error) {
    if (ownsDatabase) await database.close();
    throw error;
  }
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
