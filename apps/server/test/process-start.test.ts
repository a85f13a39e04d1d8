// How the server starts and stops as a process: it reads `.env`, it logs only through pino, and
// the root `pnpm start` exits 0 after a clean SIGTERM (its shell used to stay in between, so
// pnpm reported "ELIFECYCLE Command failed" and left the server running on its own).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort, request, ServerProcess, stopAllServers } from './server-process.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chat-process-start-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(stopAllServers);
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Every line of output is one of pino's JSON lines. */
function expectOnlyPinoLines(output: string) {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const entry = JSON.parse(line) as { level?: unknown; time?: unknown; msg?: unknown };
    expect(typeof entry.level, line).toBe('number');
    expect(typeof entry.time, line).toBe('number');
  }
}

/** The pid of the process that logged `message` (pino puts it on every line). */
function pidOf(output: string, message: RegExp): number | undefined {
  const line = output.split('\n').find((l) => message.test(l));
  return line ? (JSON.parse(line) as { pid: number }).pid : undefined;
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the built server as a process', () => {
  it('reads .env from its working directory, the environment winning, and logs only JSON', async () => {
    const dir = tempDir();
    const port = await freePort();
    // PORT here loses to the environment's; DATA_DIR comes from the file
    writeFileSync(join(dir, '.env'), `PORT=1\nDATA_DIR=${join(dir, 'data-from-env-file')}\n`);
    const server = new ServerProcess({ PORT: String(port), HOST: '127.0.0.1' }, { cwd: dir });
    const url = await server.waitUntilListening(240_000); // generous: a busy machine is slow
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(server.output).toContain(`embedded database in ${join(dir, 'data-from-env-file')}`);
    expect((await request(url, 'GET', '/readyz')).status).toBe(200);
    expect(existsSync(join(dir, 'data-from-env-file', 'pglite'))).toBe(true);

    expect(await server.stop('SIGTERM', 60_000)).toEqual({ code: 0, signal: null });
    expectOnlyPinoLines(server.output);
  }, 360_000);

  it('says what is wrong with the configuration as a pino line, and exits 1', async () => {
    const server = new ServerProcess({ PORT: 'eighty', DATA_DIR: tempDir() });
    expect(await server.waitForExit(120_000)).toEqual({ code: 1, signal: null });
    expect(server.output).toMatch(/PORT: must be a whole number/);
    expectOnlyPinoLines(server.output);
  }, 180_000);
});

// pnpm sets npm_execpath for the scripts it runs, as under the README's test command
const pnpm = /pnpm/.test(process.env.npm_execpath ?? '') ? process.env.npm_execpath : undefined;

describe.skipIf(!pnpm)('the root `pnpm start` (run through pnpm)', () => {
  it('exits 0 after SIGTERM, and its server with it', async () => {
    const port = await freePort();
    const start = new ServerProcess(
      { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir() },
      { cwd: repoRoot, args: [pnpm ?? 'pnpm', 'start'] },
    );
    try {
      // it builds what is not built first: the web client may take minutes on a busy machine
      const url = await start.waitUntilListening(480_000);
      expect((await request(url, 'GET', '/healthz')).status).toBe(200);
      const serverPid = pidOf(start.output, /Chat server listening on/);
      expect(serverPid).toBeDefined();

      expect(await start.stop('SIGTERM', 60_000)).toEqual({ code: 0, signal: null });
      expect(start.output).not.toContain('ELIFECYCLE');
      expect(isRunning(serverPid ?? 0)).toBe(false);
    } finally {
      // a SIGKILLed pnpm would leave its children holding the output open: ask it to stop first
      if (!start.hasExited) await start.stop('SIGTERM', 60_000).catch(() => {});
    }
  }, 660_000);
});
