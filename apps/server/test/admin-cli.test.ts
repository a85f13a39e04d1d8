// The admin CLI (dist/admin/cli.js, what `pnpm chat-admin` runs) as an operator runs it: a
// child process against the server's own database, from the server's own configuration. On
// the embedded database (always), and against PostgreSQL beside a running server, whose
// answer to a deactivated user's token changes at once (DATABASE_URL; with REDIS_URL as well,
// that user's open socket closes too).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authService, channelsService, messagesService, type Message } from '@chat/api/server';
import { schema } from '@chat/db';
import { createEmptyPostgresDatabase } from '@chat/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/env.js';
import { createRuntime } from '../src/runtime.js';
import { request, startServer, stopAllServers, type StartedServer } from './server-process.js';
import { closeAllClients, refusedUpgradeStatus, WsClient } from './ws-client.js';

const cli = fileURLToPath(new URL('../dist/admin/cli.js', import.meta.url));
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs chat-admin with only `env` as configuration (none inherited), `stdin` piped in. */
function runAdmin(env: Record<string, string>, args: string[], stdin = ''): Promise<CliResult> {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const succeeded = (result: CliResult) => {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
};

const password = 'correct horse battery';
const unique = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

/** The server's runtime from the same configuration, for what the CLI's changes mean to the API. */
async function withRuntime<T>(
  env: Record<string, string>,
  work: (runtime: Awaited<ReturnType<typeof createRuntime>>) => Promise<T>,
): Promise<T> {
  const runtime = await createRuntime(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** Each command, one after the other, against the database that `env` configures. */
async function everyCommand(env: Record<string, string>) {
  const username = unique('alice');
  const created = succeeded(
    await runAdmin(env, ['create-user', username, `${username}@example.test`], `${password}\n`),
  );
  expect(created.user).toMatchObject({ username, isAdmin: false, deactivatedAt: null });
  succeeded(
    await runAdmin(env, ['reset-password', username.toUpperCase(), '--password', 'new password 1']),
  );

  const channelName = unique('general');
  const posted = await withRuntime(env, async ({ deps }) => {
    await expect(authService.login(deps, { username, password })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const session = await authService.login(deps, { username, password: 'new password 1' });
    const actor = { userId: session.user.id, username };
    const channel = await channelsService.createChannel(deps, actor, {
      name: channelName,
      isPrivate: false,
      memberIds: [],
    });
    const messages: Message[] = [];
    for (const content of ['one', 'two', 'three']) {
      const sent = await messagesService.sendMessage(deps, actor, {
        channelId: channel.id,
        content,
      });
      messages.push(sent.message);
    }
    return { channelId: channel.id, messages };
  });

  const promoted = succeeded(await runAdmin(env, ['promote', `${username}@example.test`]));
  expect(promoted.user).toMatchObject({ username, isAdmin: true });

  const exported = succeeded(await runAdmin(env, ['export-channel', channelName])) as {
    channel: { id: string; name: string; lastSeq: number };
    messages: Message[];
  };
  expect(exported.channel).toMatchObject({ id: posted.channelId, name: channelName, lastSeq: 3 });
  expect(exported.messages).toEqual(posted.messages);

  const deactivated = succeeded(await runAdmin(env, ['deactivate', username]));
  expect((deactivated.user as { deactivatedAt: string | null }).deactivatedAt).toMatch(/^\d{4}-/);
  await withRuntime(env, async ({ deps }) => {
    await expect(
      authService.login(deps, { username, password: 'new password 1' }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const [row] = await deps.db
      .select({ isAdmin: schema.users.isAdmin, tokenVersion: schema.users.tokenVersion })
      .from(schema.users)
      .where(eq(schema.users.username, username));
    expect(row).toEqual({ isAdmin: true, tokenVersion: 2 });
  });
}

// Each command opens the embedded database (seconds apiece on a loaded machine): long timeouts.
describe('chat-admin on the embedded database (DATA_DIR)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'chat-admin-'));
    env = { DATA_DIR: dataDir };
  });
  afterEach(() => stopAllServers());
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a user, resets their password, promotes, exports a channel and deactivates', async () => {
    await everyCommand(env);
  }, 300_000);

  it('says what is wrong, with a non-zero exit, for an unknown user, a bad password or command', async () => {
    const unknown = await runAdmin(env, ['deactivate', 'nobody-at-all']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('chat-admin: User not found\n');
    const short = await runAdmin(env, ['create-user', unique('bob'), 'bob@example.test'], 'short');
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/password/);
    const bogus = await runAdmin(env, ['bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/Unknown command: bogus[\s\S]*Usage: chat-admin/);
  }, 120_000);

  it('refuses to touch the embedded database while a server holds it, and says so', async () => {
    await startServer({ env: { DATA_DIR: dataDir }, timeoutMs: 120_000 });
    const result = await runAdmin(env, ['promote', 'anyone']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/in use by another process \(pid \d+\)/);
  }, 180_000);
});

describe.skipIf(!databaseUrl)(
  'chat-admin beside a running server on PostgreSQL (DATABASE_URL)',
  () => {
    let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
    let server: StartedServer;
    let env: Record<string, string>;

    beforeAll(async () => {
      database = await createEmptyPostgresDatabase();
      env = {
        DATABASE_URL: database.url,
        JWT_SECRET: randomBytes(48).toString('base64url'),
        ...(redisUrl
          ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `test:${randomBytes(6).toString('hex')}:` }
          : {}),
      };
      server = await startServer({ env, timeoutMs: 120_000 });
    }, 180_000);
    afterAll(async () => {
      await closeAllClients();
      await stopAllServers();
      await database?.drop();
    });

    it('creates a user, resets their password, promotes, exports a channel and deactivates', async () => {
      await everyCommand(env);
    }, 120_000);

    it("refuses a deactivated user's token at once on REST and the /ws upgrade", async () => {
      const username = unique('carol');
      succeeded(
        await runAdmin(env, [
          'create-user',
          username,
          `${username}@example.test`,
          '--password',
          password,
        ]),
      );
      const login = await request<{ accessToken: string }>(server.url, 'POST', '/api/auth/login', {
        body: { username, password },
      });
      expect(login.status).toBe(200);
      const token = login.body.accessToken;
      const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`;
      const socket = await WsClient.connect(wsUrl);
      expect((await request(server.url, 'GET', '/api/auth/me', { token })).status).toBe(200);

      succeeded(await runAdmin(env, ['deactivate', username]));

      expect((await request(server.url, 'GET', '/api/auth/me', { token })).status).toBe(401);
      expect(await refusedUpgradeStatus(wsUrl)).toBe(401);
      if (redisUrl) {
        // the server heard of it through Redis: the socket that was open closes
        const closed = await Promise.race([
          socket.closed,
          new Promise((resolve) => setTimeout(() => resolve('still open'), 1_000)),
        ]);
        expect(closed).toMatchObject({ code: 1008 });
      }
    });
  },
);
