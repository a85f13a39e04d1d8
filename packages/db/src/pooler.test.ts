// Migrations and the pooler check through a real PgBouncer in transaction mode, started here in
// front of DATABASE_URL's server (see pgbouncer-fixture.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from './client.js';
import { migrateDatabase, migrationsFolder } from './migrate.js';
import { pgbouncerBinary, startPgBouncer, type PgBouncer } from './pgbouncer-fixture.js';
import { UndeclaredPoolerError } from './pooler.js';
import { createEmptyPostgresDatabase } from './testing.js';

const databaseUrl = process.env.DATABASE_URL;
const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
  entries: unknown[];
};

describe.skipIf(!databaseUrl || !pgbouncerBinary)(
  'migrations behind PgBouncer in transaction mode (DATABASE_URL, pgbouncer)',
  () => {
    let bouncer: PgBouncer;
    const cleanups: (() => Promise<void>)[] = [];
    beforeAll(async () => {
      if (!databaseUrl) throw new Error('DATABASE_URL is not set'); // skipIf saw to it
      bouncer = await startPgBouncer(databaseUrl);
    });
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    afterAll(() => bouncer?.stop());

    async function emptyDatabase() {
      const database = await createEmptyPostgresDatabase();
      cleanups.push(() => database.drop());
      return database;
    }
    async function open(options: Parameters<typeof openDatabase>[0]): Promise<DatabaseHandle> {
      const handle = await openDatabase(options);
      cleanups.push(() => handle.close());
      return handle;
    }
    async function appliedMigrations(url: string): Promise<number> {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql<{ count: number }[]>`
          select count(*)::int as count from drizzle.__drizzle_migrations`;
        return row?.count ?? 0;
      } finally {
        await sql.end();
      }
    }

    it('refuses an undeclared pooler before migrating anything', async () => {
      const database = await emptyDatabase();
      const handle = await open({ databaseUrl: bouncer.url(database.url) });
      await expect(migrateDatabase(handle)).rejects.toBeInstanceOf(UndeclaredPoolerError);
      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      const [schema] = await sql`select to_regnamespace('drizzle') as oid`;
      await sql.end();
      expect(schema?.oid).toBeNull();
    });

    it('migrates once when three instances start at once through it', async () => {
      const database = await emptyDatabase();
      const handles = await Promise.all(
        [1, 2, 3].map(() =>
          open({ databaseUrl: bouncer.url(database.url), pooler: 'transaction' }),
        ),
      );
      await Promise.all(handles.map((handle) => migrateDatabase(handle)));
      expect(await appliedMigrations(database.url)).toBe(journal.entries.length);
      for (const handle of handles) await expect(handle.ping()).resolves.toBeUndefined();
    });

    it('migrates over DATABASE_MIGRATION_URL, not the pooler, when given', async () => {
      const database = await emptyDatabase();
      const name = new URL(database.url).pathname.slice(1);
      const handle = await open({
        databaseUrl: bouncer.url(database.url),
        pooler: 'transaction',
        migrationUrl: database.url,
      });
      await migrateDatabase(handle);
      expect(await appliedMigrations(database.url)).toBe(journal.entries.length);
      expect(bouncer.log()).not.toContain(`db=${name}`);
      await handle.ping(); // now through the pooler
      expect(bouncer.log()).toContain(`db=${name}`);
    });
  },
);
