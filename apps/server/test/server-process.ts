// Runs the built server, dist/main.js (what `pnpm start` runs), as a child process: for tests
// of what only a real process shows (the printed URL, signals, exit codes, restarts, locks) and
// for several instances sharing one database. Every child is killed by `stopAllServers()`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const serverEntry = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const serverDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Not inherited from the test's environment: every variable env.ts reads (CI sets DATABASE_URL
 * and REDIS_URL), and what vitest sets for itself, so the child runs as `pnpm start` would.
 */
const configVariables = [
  'PORT',
  'HOST',
  'DATA_DIR',
  'DATABASE_URL',
  'DATABASE_POOLER',
  'DATABASE_MIGRATION_URL',
  'REDIS_URL',
  'JWT_SECRET',
  'REDIS_KEY_PREFIX',
  'PRESENCE_TTL_SECONDS',
];
const notInherited = new Set([...configVariables, 'LOG_LEVEL', 'NODE_ENV', 'TEST']);
const isInheritable = (name: string) => !notInherited.has(name) && !name.startsWith('VITEST');

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<ServerProcess>();

export class ServerProcess {
  readonly child: ChildProcess;
  /** Settles once the process has exited and its output is fully read. */
  readonly exited: Promise<ServerExit>;
  private exit: ServerExit | undefined;
  private text = '';
  private readonly onOutput = new Set<() => void>();

  /**
   * `options.cwd`: the working directory (apps/server by default); `options.args`: what node
   * runs instead of dist/main.js (`[pnpm, 'start']` for the root start script).
   */
  constructor(env: Record<string, string>, options: { cwd?: string; args?: string[] } = {}) {
    if (!existsSync(serverEntry)) {
      throw new Error(
        `${serverEntry} does not exist: build the server first ` +
          '(`npx --yes pnpm@10 exec turbo run build --filter=@chat/server`; `pnpm test` does it first).',
      );
    }
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => isInheritable(name)),
    );
    this.child = spawn(process.execPath, options.args ?? [serverEntry], {
      cwd: options.cwd ?? serverDir,
      env: { ...inherited, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this);
    const collect = (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
      for (const listener of this.onOutput) listener();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        this.exit = { code, signal };
        running.delete(this);
        for (const listener of this.onOutput) listener();
        resolve(this.exit);
      });
      // 'close' never comes when the spawn itself fails
      this.child.once('error', (error) => {
        this.text += `\n[spawn failed: ${error.message}]`;
        this.exit = { code: null, signal: null };
        running.delete(this);
        resolve(this.exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything the process printed so far, stdout and stderr interleaved. */
  get output(): string {
    return this.text;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** Resolves with the URL of the "listening on …" line; rejects if the process exits first. */
  // a first start on a new data folder runs initdb in WebAssembly: ~10 s here, more when loaded
  waitUntilListening(timeoutMs = 45_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const url = /Chat server listening on (http:\/\/[^\s"]+)/.exec(this.text)?.[1];
        if (url) return done(() => resolve(url));
        if (this.exit) {
          done(() =>
            reject(
              new Error(
                `server exited (${describeExit(this.exit)}) before listening:\n${this.text}`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done(() =>
          reject(new Error(`server did not print its URL within ${timeoutMs} ms:\n${this.text}`)),
        );
      }, timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.onOutput.delete(check);
        settle();
      };
      this.onOutput.add(check);
      check();
    });
  }

  /** Resolves when the process exits on its own; kills it and rejects after `timeoutMs`. */
  async waitForExit(timeoutMs = 45_000): Promise<ServerExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result !== 'timeout') return result;
    await this.kill();
    throw new Error(`server still running after ${timeoutMs} ms:\n${this.text}`);
  }

  /** Sends `signal` and waits for the exit; SIGKILLs and rejects if it takes over `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<ServerExit> {
    if (!this.exit) this.child.kill(signal);
    return this.waitForExit(timeoutMs);
  }

  /** SIGKILL: the process gets no chance to clean up (its lock file stays behind). */
  async kill(): Promise<ServerExit> {
    if (!this.exit) this.child.kill('SIGKILL');
    return this.exited;
  }
}

export interface StartOptions {
  /** Variables for env.ts; PORT defaults to a free port, HOST to 127.0.0.1, LOG_LEVEL to warn. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Flags for node before dist/main.js (e.g. `--cpu-prof`, which NODE_OPTIONS may not carry). */
  nodeArgs?: string[];
}

export interface StartedServer {
  process: ServerProcess;
  /** The URL the server printed, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
}

/** Starts the built server and waits for its "listening on" line. */
export async function startServer({
  env = {},
  timeoutMs,
  nodeArgs,
}: StartOptions = {}): Promise<StartedServer> {
  // A free port can be taken between our check and the child's listen: try another one then.
  for (let attempt = 1; ; attempt++) {
    const port = env.PORT ?? String(await freePort());
    const server = new ServerProcess(
      { HOST: '127.0.0.1', ...env, PORT: port },
      nodeArgs ? { args: [...nodeArgs, serverEntry] } : {},
    );
    try {
      const url = await server.waitUntilListening(timeoutMs);
      return { process: server, url, port: Number(port) };
    } catch (error) {
      await server.kill();
      if (env.PORT === undefined && attempt < 3 && server.output.includes('EADDRINUSE')) continue;
      throw error;
    }
  }
}

/** Starts the built server expecting it to refuse: resolves with how it exited and what it said. */
export async function runServerToExit(
  env: Record<string, string>,
  timeoutMs?: number,
): Promise<ServerExit & { output: string }> {
  const server = new ServerProcess({ HOST: '127.0.0.1', PORT: '0', ...env });
  const exit = await server.waitUntilListening(timeoutMs).then(
    async (url) => {
      await server.kill();
      throw new Error(`the server started on ${url} instead of refusing:\n${server.output}`);
    },
    // it exited before listening (what we expect) or hung: waitForExit tells which
    () => server.waitForExit(1_000),
  );
  return { ...exit, output: server.output };
}

/** SIGKILLs every server still running: for afterEach, so no child outlives its test. */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.kill()));
}

// Last resort when the test process exits without its hooks running.
process.once('exit', () => {
  for (const server of running) server.child.kill('SIGKILL');
});

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

function describeExit(exit: ServerExit | undefined): string {
  if (!exit) return 'still running';
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

export interface Reply<T> {
  status: number;
  body: T;
}

/** One JSON request with the global fetch, as any HTTP client would make it. */
export async function request<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  { token, body }: { token?: string; body?: unknown } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}
