// The server as `pnpm start` runs it: the built bundle in its own process, over real HTTP, with
// real signals. turbo builds dist/ before this package's tests (apps/server/turbo.json).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyPostgresDatabase } from '@chat/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request, runServerToExit, startServer, stopAllServers } from './server-process.js';

const password = 'correct horse battery';
const validJwtSecret = 'a-test-secret-that-is-long-enough-0123456789';

const tempDirs: string[] = [];
function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chat-process-'));
  tempDirs.push(dir);
  return dir;
}

afterEach(stopAllServers);
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

interface AuthBody {
  user: { id: string; username: string };
  accessToken: string;
}
interface MessagesBody {
  items: { seq: number; content: string; userId: string }[];
  hasMore: boolean;
}

async function registerAndPost(url: string, username: string, contents: string[]) {
  const registered = await request<AuthBody>(url, 'POST', '/api/auth/register', {
    body: { username, email: `${username}@example.test`, password },
  });
  expect(registered.status).toBe(201);
  const token = registered.body.accessToken;

  const created = await request<{ channel: { id: string } }>(url, 'POST', '/api/channels', {
    token,
    body: { name: `${username}-room` },
  });
  expect(created.status).toBe(201);
  const channelId = created.body.channel.id;

  for (const [index, content] of contents.entries()) {
    const posted = await request<{ message: { seq: number } }>(
      url,
      'POST',
      `/api/channels/${channelId}/messages`,
      {
        token,
        body: { content },
      },
    );
    expect(posted.status).toBe(201);
    expect(posted.body.message.seq).toBe(index + 1);
  }
  return { userId: registered.body.user.id, token, channelId };
}

async function readContents(url: string, token: string, channelId: string) {
  const read = await request<MessagesBody>(url, 'GET', `/api/channels/${channelId}/messages`, {
    token,
  });
  expect(read.status).toBe(200);
  return read.body.items.map(({ seq, content }) => ({ seq, content }));
}

// each test starts the built server once or twice, the first time on a new data folder
describe('the built server on the embedded database', { timeout: 120_000 }, () => {
  it('serves over HTTP, exits 0 on SIGTERM and has its users, tokens and messages after a restart', async () => {
    const dataDir = freshDataDir();
    const env = { DATA_DIR: dataDir };
    const first = await startServer({ env });
    expect(first.url).toBe(`http://127.0.0.1:${first.port}`);

    const health = await request(first.url, 'GET', '/healthz');
    expect(health.status).toBe(200);
    expect((await request(first.url, 'GET', '/readyz')).status).toBe(200);

    const { userId, token, channelId } = await registerAndPost(first.url, 'alice', [
      'first',
      'second',
    ]);
    const expected = [
      { seq: 1, content: 'first' },
      { seq: 2, content: 'second' },
    ];
    expect(await readContents(first.url, token, channelId)).toEqual(expected);
    // the embedded JWT secret is generated into the data folder, not only kept in memory
    expect(readFileSync(join(dataDir, 'jwt-secret'), 'utf8').length).toBeGreaterThanOrEqual(32);

    const stoppedAt = Date.now();
    expect(await first.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(existsSync(join(dataDir, 'pglite', 'server.lock'))).toBe(false);

    const second = await startServer({ env });
    const login = await request<AuthBody>(second.url, 'POST', '/api/auth/login', {
      body: { username: 'alice', password },
    });
    expect(login.status).toBe(200);
    expect(login.body.user.id).toBe(userId);
    // a token issued before the restart is still good: the secret came back from DATA_DIR
    const me = await request<{ user: { id: string } }>(second.url, 'GET', '/api/auth/me', {
      token,
    });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(userId);
    expect(await readContents(second.url, token, channelId)).toEqual(expected);
    expect(await readContents(second.url, login.body.accessToken, channelId)).toEqual(expected);

    expect(await second.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('refuses a second server on a DATA_DIR in use, naming the folder', async () => {
    const dataDir = freshDataDir();
    const first = await startServer({ env: { DATA_DIR: dataDir } });

    const second = await runServerToExit({ DATA_DIR: dataDir });
    expect(second.code).not.toBe(0);
    expect(second.code).not.toBeNull();
    expect(second.output).toContain(dataDir);
    expect(second.output).toMatch(/in use by another process/);
    expect(second.output).toContain(`pid ${first.process.pid}`);

    // the refused one did not take the lock or disturb the running one
    expect((await request(first.url, 'GET', '/readyz')).status).toBe(200);
    expect(await first.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('starts over the lock file a killed server left behind, with everything it had committed', async () => {
    const dataDir = freshDataDir();
    const first = await startServer({ env: { DATA_DIR: dataDir } });
    const { token, channelId } = await registerAndPost(first.url, 'bob', ['before the crash']);

    expect(await first.process.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    const lockFile = join(dataDir, 'pglite', 'server.lock');
    expect(readFileSync(lockFile, 'utf8')).toBe(String(first.process.pid));

    const second = await startServer({ env: { DATA_DIR: dataDir } });
    expect(readFileSync(lockFile, 'utf8')).toBe(String(second.process.pid));
    expect(await readContents(second.url, token, channelId)).toEqual([
      { seq: 1, content: 'before the crash' },
    ]);
    expect(await second.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});

describe.skipIf(!process.env.DATABASE_URL)('the built server on PostgreSQL (DATABASE_URL)', () => {
  let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
  let dataDir: string;
  beforeAll(async () => {
    database = await createEmptyPostgresDatabase();
    dataDir = freshDataDir();
  });
  afterAll(async () => {
    await stopAllServers(); // before the drop, which would otherwise cut the server off
    await database.drop();
  });

  it('refuses to start without JWT_SECRET, naming it', async () => {
    const result = await runServerToExit({ DATABASE_URL: database.url, DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/JWT_SECRET: is required when DATABASE_URL is set/);
    expect(result.output).not.toContain(database.url); // a URL may carry a password
  });

  it('refuses a JWT_SECRET shorter than 32 bytes, naming it', async () => {
    const result = await runServerToExit({
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      JWT_SECRET: 'short',
    });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/JWT_SECRET: must be at least 32 bytes/);
  });

  it('migrates an empty database and becomes ready with a valid JWT_SECRET', async () => {
    const server = await startServer({
      env: { DATABASE_URL: database.url, DATA_DIR: dataDir, JWT_SECRET: validJwtSecret },
    });
    expect((await request(server.url, 'GET', '/readyz')).status).toBe(200);
    // the tables exist: an account and its messages can be written and read back
    const { token, channelId } = await registerAndPost(server.url, 'carol', ['on postgres']);
    expect(await readContents(server.url, token, channelId)).toEqual([
      { seq: 1, content: 'on postgres' },
    ]);
    // nothing of the embedded mode was created: no PGlite files, no generated secret
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
    expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(false);
    expect(await server.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
