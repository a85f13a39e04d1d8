// Fresh databases for tests: an in-memory PGlite, or a uniquely named database on the
// Postgres server of DATABASE_URL, created, migrated and dropped after.
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { openDatabase, type Database, type DatabaseHandle } from './client.js';
import * as schema from './schema/index.js';
import { migrateDatabase } from './migrate.js';

export type DatabaseKind = DatabaseHandle['kind'];

export interface TestDatabase extends DatabaseHandle {
  /** The URL of the created database (postgres only), for starting servers against it. */
  url?: string;
  dispose(): Promise<void>;
}

/** PGlite always; Postgres as well when DATABASE_URL points at a server. */
export function testDatabaseKinds(): DatabaseKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = await openDatabase({});
    await migrateDatabase(handle);
    return { ...handle, dispose: () => handle.close() };
  }
  const { adminUrl, url, name } = uniqueDatabaseUrl();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const handle = await openDatabase(openOptions(url));
  await migrateDatabase(handle);
  return {
    ...handle,
    url,
    dispose: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** A new, empty Postgres database for a test that runs its own server processes. */
export async function createEmptyPostgresDatabase(): Promise<{
  url: string;
  drop(): Promise<void>;
}> {
  const { adminUrl, url, name } = uniqueDatabaseUrl();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  return {
    url,
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/**
 * Set by the PgBouncer test to run a whole suite through a transaction pooler: test databases
 * are created over DATABASE_URL, then used (and migrated) through this URL's host and port.
 */
const poolerUrl = process.env.TEST_DATABASE_POOLER_URL;

function openOptions(url: string) {
  if (!poolerUrl) return { databaseUrl: url };
  const pooled = new URL(url);
  const pooler = new URL(poolerUrl);
  pooled.hostname = pooler.hostname;
  pooled.port = pooler.port;
  return { databaseUrl: pooled.toString(), pooler: 'transaction' as const };
}

function uniqueDatabaseUrl() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set');
  const name = `chat_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { adminUrl, url: url.toString(), name };
}

/**
 * A second Drizzle instance over the same connection(s) as `handle`, counting every statement
 * it sends: for tests that a read takes a fixed number of queries however much it returns.
 */
export function countingDatabase(handle: DatabaseHandle): {
  db: Database;
  queries: () => number;
} {
  let count = 0;
  const options = { schema, casing: 'snake_case' as const, logger: { logQuery: () => count++ } };
  const client = (handle.db as unknown as { $client: unknown }).$client;
  const db =
    handle.kind === 'pglite'
      ? drizzlePglite(client as PGlite, options)
      : drizzlePostgres(client as postgres.Sql, options);
  return { db: db, queries: () => count };
}
