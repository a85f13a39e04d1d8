// The embedded database runs on a thread of its own: a long query leaves the event loop free,
// and it is still one connection with real transactions. The transaction tests run on both
// engines, so the two keep behaving alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation, sqlState } from './errors.js';
import { PgliteThread } from './pglite-thread.js';
import { channels } from './schema/index.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from './testing.js';

describe.each(testDatabaseKinds())('transactions on %s', (kind) => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
  });
  afterAll(() => handle.dispose());

  const lastSeqOf = async (id: string) =>
    (await handle.db.select().from(channels).where(eq(channels.id, id)))[0]?.lastSeq;

  it('rolls back what a transaction wrote when it throws, or when a statement in it fails', async () => {
    const [channel] = await handle.db.insert(channels).values({ name: 'tx' }).returning();
    if (!channel) throw new Error('insert returned nothing');
    const thrown = handle.db.transaction(async (tx) => {
      await tx.update(channels).set({ lastSeq: 5 }).where(eq(channels.id, channel.id));
      throw new Error('changed my mind');
    });
    await expect(thrown).rejects.toThrow('changed my mind');
    expect(await lastSeqOf(channel.id)).toBe(0);

    const failed = handle.db.transaction(async (tx) => {
      await tx.update(channels).set({ lastSeq: 6 }).where(eq(channels.id, channel.id));
      await tx.insert(channels).values({ id: channel.id, name: 'again' });
    });
    const error = await failed.catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(await lastSeqOf(channel.id)).toBe(0);

    // the connection is fine afterwards, and a transaction that returns commits
    await handle.db.transaction(async (tx) => {
      await tx.update(channels).set({ lastSeq: 7 }).where(eq(channels.id, channel.id));
    });
    expect(await lastSeqOf(channel.id)).toBe(7);
  });

  it('rolls back a nested transaction alone', async () => {
    const [channel] = await handle.db.insert(channels).values({ name: 'nested' }).returning();
    if (!channel) throw new Error('insert returned nothing');
    await handle.db.transaction(async (tx) => {
      await tx.update(channels).set({ lastSeq: 1 }).where(eq(channels.id, channel.id));
      await tx
        .transaction(async (inner) => {
          await inner.update(channels).set({ lastSeq: 2 }).where(eq(channels.id, channel.id));
          throw new Error('inner only');
        })
        .catch(() => {});
    });
    expect(await lastSeqOf(channel.id)).toBe(1);
  });

  it("gives a failed statement's SQLSTATE to the caller", async () => {
    const error = await handle.db
      .execute(sql`select * from no_such_table`)
      .catch((e: unknown) => e);
    expect(sqlState(error)).toBe('42P01');
  });
});

describe('the embedded database thread', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
  });
  afterAll(() => handle.dispose());

  it('keeps the event loop turning while a long query runs', async () => {
    // a query long enough to matter on this machine, however fast or loaded it is
    let rows = 500_000;
    for (;;) {
      let longestGap = 0;
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
      }, 5);
      const started = performance.now();
      await handle.db.execute(sql`select count(*) from generate_series(1, ${rows})`);
      const took = performance.now() - started;
      clearInterval(timer);
      if (took < 300 && rows < 64_000_000) {
        rows *= 4;
        continue;
      }
      // on the server's thread the timer would wait for the whole query
      expect(longestGap).toBeLessThan(took / 2);
      break;
    }
  });

  it('runs the statements made while a transaction is open after it, without seeing its writes early', async () => {
    const [channel] = await handle.db.insert(channels).values({ name: 'order' }).returning();
    if (!channel) throw new Error('insert returned nothing');
    const seen: number[] = [];
    const tx = handle.db.transaction(async (t) => {
      await t.update(channels).set({ lastSeq: 1 }).where(eq(channels.id, channel.id));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await t.update(channels).set({ lastSeq: 2 }).where(eq(channels.id, channel.id));
    });
    const outside = handle.db
      .select()
      .from(channels)
      .where(eq(channels.id, channel.id))
      .then(([row]) => seen.push(row?.lastSeq ?? -1));
    await Promise.all([tx, outside]);
    expect(seen).toEqual([2]);
  });
});

describe('the embedded database thread on a data folder', () => {
  // a new folder runs initdb in WebAssembly: seconds, more on a loaded machine
  it('starts again on its folder between two statements: what was written stays, what was asked meanwhile is answered after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-restart-'));
    const thread = await PgliteThread.start(dir);
    try {
      await thread.query('create table kept (n int)');
      await thread.query('insert into kept values (1), (2)');
      const restarting = thread.restart();
      const meanwhile = thread.query<{ n: number }>('select sum(n)::int as n from kept');
      await restarting;
      expect((await meanwhile).rows).toEqual([{ n: 3 }]);
      await thread.query('insert into kept values (3)');
      const counted = await thread.query<{ n: number }>('select count(*)::int as n from kept');
      expect(counted.rows).toEqual([{ n: 3 }]);
    } finally {
      await thread.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
