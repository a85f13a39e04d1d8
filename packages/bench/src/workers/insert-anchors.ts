// The database ceilings: single-row `INSERT … RETURNING` through postgres-js at a given
// concurrency (each worker its own channel, as in the 64-channel send scenario), and the same
// INSERT in a loop on a raw PGlite in a data directory, as our embedded server keeps it.
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { createAnchorTable, insertAnchorRow } from '../lib/anchor-table.js';
import { LatencyRecorder, now } from '../lib/latency.js';
import { payload } from '../lib/client-sockets.js';
import { serve } from '../lib/rpc.js';

type Insert = (values: unknown[]) => Promise<unknown>;

/** `concurrency` loops of one INSERT after another, for `durationMs`. */
async function insertLoops(insert: Insert, concurrency: number, durationMs: number) {
  const latency = new LatencyRecorder();
  let count = 0;
  const startedAt = performance.now();
  const deadline = startedAt + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const channel = randomUUID();
      const user = randomUUID();
      for (let seq = 1; performance.now() < deadline; seq++) {
        const t = now();
        await insert([channel, seq, user, payload(), `c-${seq}`]);
        latency.record(now() - t);
        count++;
      }
    }),
  );
  return { count, seconds: (performance.now() - startedAt) / 1000, latency: latency.encode() };
}

const handlers = {
  async postgres({
    url,
    concurrency,
    durationMs,
  }: {
    url: string;
    concurrency: number;
    durationMs: number;
  }) {
    const sql = postgres(url, { max: concurrency, onnotice: () => {} });
    try {
      await sql.unsafe(createAnchorTable);
      const insert: Insert = (values) =>
        sql.unsafe(insertAnchorRow, values as string[], { prepare: true });
      await insertLoops(insert, concurrency, Math.min(500, durationMs / 4)); // warm the pool
      return await insertLoops(insert, concurrency, durationMs);
    } finally {
      await sql.end();
    }
  },

  async pglite({ dataDir, durationMs }: { dataDir: string; durationMs: number }) {
    const db = await PGlite.create(dataDir);
    try {
      await db.exec(createAnchorTable);
      const insert: Insert = (values) => db.query(insertAnchorRow, values);
      await insertLoops(insert, 1, Math.min(500, durationMs / 4));
      return await insertLoops(insert, 1, durationMs);
    } finally {
      await db.close();
    }
  },
};

export type InsertHandlers = typeof handlers;
serve(handlers);
