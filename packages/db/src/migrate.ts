import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { DatabaseHandle } from './client.js';
import { assertPoolerDeclared, poolerClientOptions, type DatabasePooler } from './pooler.js';

// Resolved through the package rather than this file, so it also holds in the server's bundle.
export const migrationsFolder = join(
  dirname(createRequire(import.meta.url).resolve('@chat/db/package.json')),
  'migrations',
);

/**
 * Applies every committed migration that has not run yet. Safe to call on every start. On
 * PostgreSQL it first refuses a transaction pooler in front of the database that nobody declared
 * (see pooler.ts), so a server never starts where its acks could go without rows.
 */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === 'pglite') {
    const applied = await appliedMigrations(handle);
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder });
    // initdb and migrations grow PGlite's memory to hundreds of MiB, kept for good otherwise
    if (applied !== (await appliedMigrations(handle))) await handle.restartEngine?.();
  } else {
    if (!handle.url) throw new Error('a postgres handle without its url');
    await assertPoolerDeclared(handle.url, handle.pooler);
    if (handle.migrationUrl) await migratePostgresExclusively(handle.migrationUrl, undefined);
    else await migratePostgresExclusively(handle.url, handle.pooler);
  }
}

/** How many migrations the database has had (0 for a new one). */
async function appliedMigrations(handle: DatabaseHandle): Promise<number> {
  const found = await handle.db.execute(
    sql`select count(*)::int as n from information_schema.tables
      where table_schema = 'drizzle' and table_name = '__drizzle_migrations'`,
  );
  if (Number(rowsOf<{ n: number }>(found)[0]?.n ?? 0) === 0) return 0;
  const applied = await handle.db.execute(
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  );
  return Number(rowsOf<{ n: number }>(applied)[0]?.n ?? 0);
}

const rowsOf = <Row>(result: unknown): Row[] =>
  (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];

// Any constant: it names the lock that several instances starting at once queue on.
const migrationLockKey = 727_001;

/**
 * Instances starting together would run the same migration twice; they take turns on an
 * advisory lock, so the first applies what is new and the others find nothing left to do. The
 * lock is a transaction's (pg_advisory_xact_lock), held by one connection's open transaction
 * while a second connection migrates: a session lock would not survive a transaction pooler,
 * which hands each statement to any server process.
 */
async function migratePostgresExclusively(url: string, pooler: DatabasePooler | undefined) {
  const client = postgres(url, { max: 2, onnotice: () => {}, ...poolerClientOptions(pooler) });
  try {
    await client.begin(async (lock) => {
      await lock`select pg_advisory_xact_lock(${migrationLockKey})`;
      await migratePostgres(drizzlePostgres(client), { migrationsFolder });
    });
  } finally {
    await client.end({ timeout: 5 });
  }
}
