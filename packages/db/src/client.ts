// One factory, two engines: postgres-js when a DATABASE_URL is given, embedded PGlite otherwise
// (on a thread of its own). Both are exposed as the same Drizzle type so the services never know
// which one runs.
import { mkdirSync } from 'node:fs';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { PgliteThread } from './pglite-thread.js';
import { poolerClientOptions, type DatabasePooler } from './pooler.js';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or a transaction in progress: query helpers accept both. */
export type Queryable = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** The server's URL (postgres only): migrations take a connection of their own. */
  url?: string;
  /** A direct URL for migrations, when `url` goes through a pooler (postgres only). */
  migrationUrl?: string | undefined;
  /** The pooler in front of `url`, as declared (postgres only). */
  pooler?: DatabasePooler | undefined;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Postgres only: calls `listener` whenever a pooled connection closes or fails to open. */
  onConnectionLost?(listener: () => void): void;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL of a real server; when absent PGlite is used. */
  databaseUrl?: string | undefined;
  /** Folder for PGlite's files; absent means an in-memory database (tests). */
  pgliteDir?: string | undefined;
  /** Pool size for postgres-js. */
  maxConnections?: number;
  /** `transaction` when databaseUrl leads to a transaction-mode pooler: nothing is prepared. */
  pooler?: DatabasePooler | undefined;
  /** A direct postgres:// URL for migrations (beside a pooled databaseUrl). */
  migrationUrl?: string | undefined;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openPglite(options.pgliteDir);
}

/** How long opening a Postgres connection may take before the query fails. */
export const connectTimeoutSeconds = 1;

function openPostgres(url: string, options: OpenDatabaseOptions): DatabaseHandle {
  const lostListeners: (() => void)[] = [];
  const client = postgres(url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    ...poolerClientOptions(options.pooler),
    // A server that does not answer (down, cut off) fails the request within seconds instead
    // of the default 30; the server's circuit breaker then answers 503 at once until it is back.
    connect_timeout: connectTimeoutSeconds,
    onclose: () => {
      for (const listener of lostListeners) listener();
    },
  });
  const db = drizzlePostgres(client, { schema, casing: 'snake_case' }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    url,
    migrationUrl: options.migrationUrl,
    pooler: options.pooler,
    ping: async () => {
      await client`select 1`;
    },
    onConnectionLost: (listener) => lostListeners.push(listener),
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dir: string | undefined): Promise<DatabaseHandle> {
  let releaseLock = () => {};
  if (dir) {
    mkdirSync(dir, { recursive: true });
    releaseLock = acquireDataDirLock(dir);
  }
  try {
    // PGlite is a single connection, in a worker thread so that its queries do not stall the
    // event loop. The thread runs statements in order and gives a transaction the connection
    // to itself from BEGIN to its end; Drizzle's PGlite driver goes through that API.
    const client = await PgliteThread.start(dir);
    const db = drizzlePglite(client.asPglite(), {
      schema,
      casing: 'snake_case',
    }) as unknown as Database;
    return {
      db,
      kind: 'pglite',
      ping: async () => {
        await db.execute(sql`select 1`);
      },
      close: async () => {
        await client.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}
