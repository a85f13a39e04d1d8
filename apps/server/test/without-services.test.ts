// The README's test command on a bare machine: a suite that needs PostgreSQL and Redis is
// skipped, not a failed file, and the run names it. Runs vitest itself, in a child process
// without DATABASE_URL and REDIS_URL, on the file that used to register no suite then.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const vitestBin = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const withoutServices = new Set(['DATABASE_URL', 'REDIS_URL', 'NODE_ENV']);

describe('the test suite without DATABASE_URL and REDIS_URL', () => {
  it('passes the scale-out file with its suite skipped and says how to run it', async () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !withoutServices.has(name) && !name.startsWith('VITEST'),
      ),
    );
    const child = spawn(
      process.execPath,
      [vitestBin, 'run', '--color=false', 'test/multi-instance.test.ts'],
      { cwd: serverDir, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code, output).toBe(0);
    expect(output).toMatch(/Test Files\s+1 skipped/);
    const leftOut = output.split('\n').filter((line) => line.startsWith('Left out'));
    expect(leftOut).toHaveLength(1);
    expect(leftOut[0]).toContain('DATABASE_URL and REDIS_URL are unset');
    expect(leftOut[0]).toContain('"two server processes sharing PostgreSQL and Redis');
    expect(leftOut[0]).toContain('DATABASE_URL=postgres://');
  });
});
