import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, DataDirLockedError, type DatabaseHandle } from './index.js';
import { channels } from './schema/index.js';
import {
  createEmptyPostgresDatabase,
  createTestDatabase,
  testDatabaseKinds,
  type TestDatabase,
} from './testing.js';

describe.each(testDatabaseKinds())('database on %s', (kind) => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
  });
  afterAll(() => handle.dispose());

  it('answers a ping after migrating', async () => {
    await expect(handle.ping()).resolves.toBeUndefined();
  });

  it('keeps a query outside a transaction from seeing its uncommitted writes', async () => {
    const [channel] = await handle.db.insert(channels).values({ name: 'iso' }).returning();
    if (!channel) throw new Error('insert returned nothing');
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = handle.db.transaction(async (t) => {
      await t.update(channels).set({ lastSeq: 99 }).where(eq(channels.id, channel.id));
      await held;
      throw new Error('roll back');
    });
    const outside = handle.db.select().from(channels).where(eq(channels.id, channel.id));
    setTimeout(release, 50);
    await expect(tx).rejects.toThrow('roll back');
    const [row] = await outside;
    expect(row?.lastSeq).toBe(0);
  });

  it('returns rows from a raw sql query', async () => {
    const result = await handle.db.execute(sql`select 1 as one`);
    const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
    expect(rows).toEqual([{ one: 1 }]);
  });
});

describe('embedded data folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second database on the same folder while the first is open', async () => {
    const first = await openDatabase({ pgliteDir: dir });
    await expect(openDatabase({ pgliteDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
    await first.close();
    const again = await openDatabase({ pgliteDir: dir });
    await again.close();
    // a new data folder is initialised first: seconds on a loaded machine
  }, 120_000);
});

describe.skipIf(!process.env.DATABASE_URL)('dropping the connections (DATABASE_URL)', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase('postgres');
  });
  afterAll(() => handle.dispose());

  it('fails at once a query that waits on its connection, then opens fresh ones', async () => {
    // a query the server has not answered yet, as on a connection gone silent
    const waiting = handle.db.execute(sql`select pg_sleep(30)`).then(
      () => 'answered',
      // Drizzle wraps the driver's error
      (error: { cause?: { code?: string } }) => error.cause?.code,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    handle.dropConnections?.();
    expect(await waiting).toBe('CONNECTION_CLOSED');
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(handle.ping()).resolves.toBeUndefined();
  });
});

describe.skipIf(!process.env.DATABASE_URL)('a busy pool (DATABASE_URL)', () => {
  let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = await createEmptyPostgresDatabase();
    handle = await openDatabase({ databaseUrl: database.url, maxConnections: 2 });
  });
  afterAll(async () => {
    await handle.close();
    await database.drop();
  });

  it('answers a ping while every pooled connection is held by slow work', async () => {
    // transactions hold their connection to themselves (plain queries may be pipelined)
    const slow = [1, 2, 3].map(() =>
      handle.db.transaction((tx) => tx.execute(sql`select pg_sleep(1.5)`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await handle.ping();
    // the pool frees its first connection only after 1.5 s
    expect(Date.now() - started).toBeLessThan(1_000);
    await Promise.all(slow);
  });
});
