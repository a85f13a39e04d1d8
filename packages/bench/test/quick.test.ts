// CI's smoke test of `pnpm bench`: one --quick run (every scenario for a second or two) must
// finish with exit code 0 and a result for every scenario. Timings are never asserted; a
// scenario that errors fails the run. Without DATABASE_URL and REDIS_URL the scenarios that
// need them are left out, and the suite that checks them is skipped.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../src/report.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const withServices = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const out = mkdtempSync(join(tmpdir(), 'chat-bench-test-'));

let run: { code: number | null; output: string; results: ScenarioResult[] };

beforeAll(async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', '--quick', '--out', out],
    {
      cwd: packageDir,
      env: withServices ? process.env : { ...process.env, DATABASE_URL: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const results = (
    JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { results: ScenarioResult[] }
  ).results;
  run = { code, output, results };
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const byId = (id: string) => run.results.find((result) => result.id === id);
const embeddedScenarios = [
  'pglite-insert',
  'embedded-rss',
  'acked-pglite-channels',
  'acked-pglite-hot',
  'resume-pglite',
  'idle-memory',
  'fanout',
];
const serviceScenarios = [
  'insert-ceiling',
  'acked-postgres-channels',
  'acked-postgres-hot',
  'resume-postgres',
  'two-instances',
];

describe('pnpm bench --quick', () => {
  it('runs every scenario without an error and writes the table, JSON and charts', () => {
    expect(run.code, run.output).toBe(0);
    for (const id of embeddedScenarios) expect(byId(id)?.status, id).toBe('ok');
    const markdown = readFileSync(join(out, 'results.md'), 'utf8');
    expect(markdown).toContain('| scenario | measure | this project | anchor (same run) | ratio |');
    expect(markdown).toContain('raw PGlite INSERT loop');
    expect(markdown).toContain('Socket.IO 4');
    expect(readFileSync(join(out, 'fanout.svg'), 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
  });

  it.skipIf(withServices)('says which scenarios it left out without Postgres and Redis', () => {
    for (const id of serviceScenarios) expect(byId(id)?.status, id).toBe('left out');
  });
});

describe.skipIf(!withServices)('pnpm bench --quick with PostgreSQL and Redis', () => {
  it('runs the anchors and scenarios that need them', () => {
    for (const id of serviceScenarios) expect(byId(id)?.status, id).toBe('ok');
    const markdown = readFileSync(join(out, 'results.md'), 'utf8');
    expect(markdown).toContain('INSERT … RETURNING, concurrency 64');
    expect(markdown).toContain('Socket.IO 4 + Redis adapter, 2 nodes');
    expect(markdown).toContain('raw ws + postgres-js, pages of 100');
  });
});
