// The database ceilings the send scenarios are compared with: postgres-js single-row
// `INSERT … RETURNING` at concurrency 1/16/64, and the same INSERT looped on a raw PGlite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { mergeLatencies } from '../lib/latency.js';
import type { InsertHandlers } from '../workers/insert-anchors.js';
import type { Outcome } from './scenario.js';

export async function postgresInsertCeiling(ctx: Context): Promise<Outcome> {
  const url = await ctx.freshDatabase();
  const worker = ctx.worker<InsertHandlers>('postgres INSERT anchor', 'insert-anchors');
  const series: Outcome['series'] = [];
  const details: Record<string, unknown> = {};
  for (const concurrency of ctx.sizes.insertConcurrency) {
    const run = await worker.call('postgres', {
      url,
      concurrency,
      durationMs: ctx.sizes.windowMs,
    });
    const measured = { rate: run.count / run.seconds, latency: mergeLatencies([run.latency]) };
    ctx.measured.set(`insert-c${concurrency}`, measured);
    series.push({
      label: `INSERT … RETURNING, concurrency ${concurrency}`,
      rate: measured.rate,
      rateUnit: 'rows/s',
      latency: measured.latency,
      latencyOf: 'insert',
    });
    details[`concurrency ${concurrency}`] = measured;
  }
  await worker.stop();
  return { rows: [], series, details };
}

export async function pgliteInsertLoop(ctx: Context): Promise<Outcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-bench-pglite-'));
  try {
    const worker = ctx.worker<InsertHandlers>('PGlite INSERT anchor', 'insert-anchors');
    const run = await worker.call('pglite', { dataDir, durationMs: ctx.sizes.windowMs });
    await worker.stop();
    const measured = { rate: run.count / run.seconds, latency: mergeLatencies([run.latency]) };
    ctx.measured.set('pglite-insert', measured);
    return {
      rows: [],
      series: [
        {
          label: 'raw PGlite INSERT loop',
          rate: measured.rate,
          rateUnit: 'rows/s',
          latency: measured.latency,
          latencyOf: 'insert',
        },
      ],
      details: measured,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
