import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { DatabaseHandle } from './client.js';

// Resolved through the package rather than this file, so it also holds in the server's bundle.
export const migrationsFolder = join(
  dirname(createRequire(import.meta.url).resolve('@chat/db/package.json')),
  'migrations',
);

/** Applies every committed migration that has not run yet. Safe to call on every start. */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === 'pglite') {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder });
  } else {
    if (!handle.url) throw new Error('a postgres handle without its url');
    await migratePostgresExclusively(handle.url);
  }
}

// Any constant: it names the lock that several instances starting at once queue on.
const migrationLockKey = 727_001;

/**
 * Instances starting together would run the same migration twice; they take turns on an
 * advisory lock, so the first applies what is new and the others find nothing left to do.
 * One connection (max: 1) holds the lock and runs the migration.
 */
async function migratePostgresExclusively(url: string) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${migrationLockKey})`;
    await migratePostgres(drizzlePostgres(client), { migrationsFolder });
    await client`select pg_advisory_unlock(${migrationLockKey})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}
