// A run without the services passes and says, in one line, what it left out and how to run it;
// a run with them says nothing of the kind. Through a real child vitest on test/fixture.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixtureDir = fileURLToPath(new URL('./fixture', import.meta.url));
const vitestBin = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));

/** `vitest run` in the fixture with `env` on top of ours, minus DATABASE_URL and vitest's own. */
function runFixture(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => name !== 'DATABASE_URL' && !name.startsWith('VITEST') && name !== 'NODE_ENV',
    ),
  );
  const child = spawn(process.execPath, [vitestBin, 'run', '--color=false'], {
    cwd: fixtureDir,
    env: { ...inherited, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

const leftOutLines = (output: string) => output.split('\n').filter((l) => l.startsWith('Left out'));

describe('the left-out line', () => {
  it('passes without DATABASE_URL and names the skipped suite and how to run it, once', async () => {
    const { code, output } = await runFixture({});
    expect(code, output).toBe(0);
    expect(output).toMatch(/1 passed/);
    expect(output).toMatch(/1 skipped/);
    expect(leftOutLines(output)).toEqual([
      'Left out because DATABASE_URL is unset: 1 suite ("needs a database") and the PostgreSQL ' +
        'run of each "… on %s" suite; to run them: ' +
        'DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx --yes pnpm@10 test',
    ]);
  });

  it('says nothing when the variable is set, and the suite runs', async () => {
    const { code, output } = await runFixture({ DATABASE_URL: 'postgres://fixture.invalid/db' });
    expect(code, output).toBe(0);
    expect(output).toMatch(/2 passed/);
    expect(leftOutLines(output)).toEqual([]);
  });
});
