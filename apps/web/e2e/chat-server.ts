// The built server (apps/server/dist/main.js, serving the built client from apps/web/dist) as a
// child process for the browser tests: embedded database in a fresh data folder, a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const serverEntry = fileURLToPath(new URL('../../server/dist/main.js', import.meta.url));
const webIndex = join(webDir, 'dist', 'index.html');

/**
 * Not passed on to the server: what would point it at real services or another folder (CI sets
 * DATABASE_URL and REDIS_URL), and what vitest sets for itself, so it runs as `pnpm start` would.
 */
const notInherited = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_SECRET',
  'PORT',
  'HOST',
  'DATA_DIR',
  'REDIS_KEY_PREFIX',
  'PRESENCE_TTL_SECONDS',
  'LOG_LEVEL',
  'NODE_ENV',
  'TEST',
]);

export interface ChatServer {
  /** The URL the server printed, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Everything it printed so far, for failure messages. */
  output: () => string;
  /** SIGTERM (SIGKILL after 10 s), then deletes the data folder. */
  stop: () => Promise<void>;
}

export async function startChatServer(): Promise<ChatServer> {
  for (const [file, what] of [
    [serverEntry, 'the server'],
    [webIndex, 'the web client'],
  ] as const) {
    if (!existsSync(file)) {
      throw new Error(
        `${file} does not exist: build ${what} first (\`npx --yes pnpm@10 exec turbo run build ` +
          '--filter=@chat/server --filter=@chat/web`; `turbo run test` does it first).',
      );
    }
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'chat-e2e-'));
  try {
    // a free port can be taken between our probe and the server's listen: try another then
    for (let attempt = 1; ; attempt++) {
      const child = spawnServer(dataDir, await freePort());
      try {
        const url = await child.listening;
        return {
          url,
          output: () => child.output,
          stop: async () => {
            await child.stop();
            await rm(dataDir, { recursive: true, force: true });
          },
        };
      } catch (error) {
        await child.stop();
        if (attempt < 3 && child.output.includes('EADDRINUSE')) continue;
        throw error;
      }
    }
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

function spawnServer(dataDir: string, port: number) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !notInherited.has(name) && !name.startsWith('VITEST'),
    ),
  );
  const child: ChildProcess = spawn(process.execPath, [serverEntry], {
    cwd: webDir,
    env: {
      ...inherited,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', (error) => {
      output += `\n[spawn failed: ${error.message}]`;
      resolve();
    });
  });
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not print its URL within 20 s:\n${output}`)),
      20_000,
    );
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /Chat server listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the server exited before listening:\n${output}`));
    });
  });
  // settles before anyone awaits it when the server exits early
  listening.catch(() => {});

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    listening,
    stop,
    get output() {
      return output;
    },
  };
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
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

/** One JSON request to the REST API, as any HTTP client would make it. */
export async function postJson<T>(
  baseUrl: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(new URL(path, baseUrl), {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}
