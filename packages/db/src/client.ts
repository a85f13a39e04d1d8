// One factory, two engines: postgres-js when a DATABASE_URL is given, embedded PGlite otherwise
// (on a thread of its own). Both are exposed as the same Drizzle type so the services never know
// which one runs.
import { mkdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
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
  /**
   * Postgres only: closes every pooled connection at once, failing the queries that wait on them
   * (CONNECTION_CLOSED). For a database that stopped answering: a connection cut off without a
   * word (no reset) would otherwise hold its query, and its place in the pool, until TCP gives up.
   */
  dropConnections?(): void;
  /**
   * PGlite only: starts the engine again on its data folder, which gives back the memory its
   * WebAssembly heap grew to (it never shrinks). Done after initdb or migrations.
   */
  restartEngine?(): Promise<void>;
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
  const sockets = new Set<Socket>();
  let opened = 0;
  const clientOf = (max: number) =>
    postgres(url, {
      max,
      onnotice: () => {},
      ...poolerClientOptions(options.pooler),
      // A server that does not answer (down, cut off) fails the request within seconds instead
      // of the default 30; the server's circuit breaker then answers 503 at once until it is back.
      connect_timeout: connectTimeoutSeconds,
      onclose: () => {
        for (const listener of lostListeners) listener();
      },
      // postgres-js documents this option (README, "Custom socket") but does not type it
      ...({
        socket: (connection: SocketOptions) => openSocket(connection, opened++, sockets),
      } as object),
    });
  const client = clientOf(options.maxConnections ?? 10);
  // The ping has a connection of its own: behind a pool busy with slow work it would wait its
  // turn, and a breaker probing with it would take a loaded database for one gone away.
  const probe = clientOf(1);
  const db = drizzlePostgres(client, { schema, casing: 'snake_case' }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    url,
    migrationUrl: options.migrationUrl,
    pooler: options.pooler,
    ping: async () => {
      await probe`select 1`;
    },
    onConnectionLost: (listener) => lostListeners.push(listener),
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), probe.end({ timeout: 1 })]);
    },
  };
}

/** What postgres-js hands its `socket` function: the parsed connection options. */
interface SocketOptions {
  host: string[];
  port: number[];
  path?: string | false;
}

/**
 * The connection postgres-js would open itself (the `attempt`-th: a URL with several hosts has
 * them tried in turn), kept in `sockets` while it is open so that `dropConnections` can close it.
 */
function openSocket(
  { host, port, path }: SocketOptions,
  attempt: number,
  sockets: Set<Socket>,
): Socket {
  const index = attempt % host.length;
  const [hostname, portNumber] = [host[index] ?? 'localhost', port[index] ?? port[0] ?? 5432];
  const socket = path ? connect(path) : connect(portNumber, hostname);
  // postgres-js reads `host` for TLS's server name (SNI), as on the sockets it opens itself
  Object.assign(socket, { host: path ? undefined : hostname, port: portNumber });
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
  return socket;
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
      restartEngine: () => client.restart(),
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
