// `pnpm bench [--quick] [--only ID,…] [--out DIR]`: runs every scenario (see README's performance
// section), or those whose id starts with one of `--only`'s prefixes, prints the table and writes
// JSON, Markdown and SVG charts to packages/bench/results (a quick or partial run to
// results/quick or results/only, which git ignores). Exits non-zero when a scenario errors,
// never because of a timing.
import { cpus, release, totalmem, type } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeResults } from './report.js';
import { runBench } from './run.js';
import { fullSizes, quickSizes } from './sizes.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
  },
});
const quick = values.quick ?? false;
const only = values.only?.split(',').filter(Boolean);
const resultsDir = fileURLToPath(
  new URL(quick ? '../results/quick' : only ? '../results/only' : '../results', import.meta.url),
);
const out = resolve(values.out ?? resultsDir);

const startedAt = new Date();
const results = await runBench(quick ? quickSizes : fullSizes, only);
const cores = cpus();
const table = writeResults(
  out,
  {
    command: `pnpm bench${quick ? ' --quick' : ''}${only ? ` --only ${only.join(',')}` : ''}`,
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    machine: `${cores.length} × ${cores[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${type()} ${release()}, Node ${process.version}`,
    quick,
  },
  results,
);
console.log(`\n${table}\n\nWritten to ${out}`);
const failed = results.filter((r) => r.status === 'error');
if (failed.length > 0) {
  console.error(`${failed.length} scenario(s) failed: ${failed.map((r) => r.id).join(', ')}`);
  process.exitCode = 1;
}
