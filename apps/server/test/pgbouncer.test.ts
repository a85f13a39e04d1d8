// Behind a transaction-mode pooler, as managed PostgreSQL (Supabase's pooler URL) is used: a real
// PgBouncer started here in front of DATABASE_URL's server, and the built server on it. With
// DATABASE_POOLER=transaction every acknowledged message has its row; without it the server
// sees the pooler and refuses to start. The message service's suite passes through it too.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectTransactionPooler } from '@chat/db';
import { pgbouncerBinary, startPgBouncer, type PgBouncer } from '@chat/db/pgbouncer-fixture';
import { createEmptyPostgresDatabase } from '@chat/db/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, runServerToExit, startServer, stopAllServers } from './server-process.js';

const databaseUrl = process.env.DATABASE_URL;
const jwtSecret = randomBytes(48).toString('base64url');
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.skipIf(!databaseUrl || !pgbouncerBinary)(
  'behind PgBouncer in transaction mode (DATABASE_URL, pgbouncer)',
  () => {
    let bouncer: PgBouncer;
    let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
    let direct: postgres.Sql;
    let pooledUrl: string;
    let dataDir: string;

    beforeAll(async () => {
      if (!databaseUrl) throw new Error('DATABASE_URL is not set'); // skipIf saw to it
      database = await createEmptyPostgresDatabase();
      bouncer = await startPgBouncer(databaseUrl);
      pooledUrl = bouncer.url(database.url);
      direct = postgres(database.url, { max: 1, onnotice: () => {} });
      dataDir = mkdtempSync(join(tmpdir(), 'chat-pgbouncer-server-'));
    });
    afterAll(async () => {
      await stopAllServers();
      await direct?.end();
      await bouncer?.stop();
      await database?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('tells the pooler from a direct connection', async () => {
      expect(await detectTransactionPooler(pooledUrl)).toBe(true);
      expect(await detectTransactionPooler(database.url)).toBe(false);
    });

    it('refuses to start on it without DATABASE_POOLER=transaction, before touching the schema', async () => {
      const result = await runServerToExit({ DATABASE_URL: pooledUrl, JWT_SECRET: jwtSecret });
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/transaction-mode connection pooler/);
      expect(result.output).toContain('DATABASE_POOLER=transaction');
      const [tables] = await direct<{ count: number }[]>`
        select count(*)::int as count from information_schema.tables where table_schema = 'public'`;
      expect(tables?.count).toBe(0);
    });

    it('with DATABASE_POOLER=transaction has a row for every ack of 40 concurrent sends into one channel', async () => {
      const server = await startServer({
        env: {
          DATABASE_URL: pooledUrl,
          DATABASE_POOLER: 'transaction',
          JWT_SECRET: jwtSecret,
          DATA_DIR: dataDir,
          // 40 sends at once from one user: more than a person's write limit allows
          WRITE_RATE_LIMIT: '1000/1',
        },
      });
      const registered = await request<{ accessToken: string }>(
        server.url,
        'POST',
        '/api/auth/register',
        { body: { username: 'pooled', email: 'pooled@example.test', password: 'correct horse' } },
      );
      expect(registered.status).toBe(201);
      const token = registered.body.accessToken;
      const created = await request<{ channel: { id: string } }>(
        server.url,
        'POST',
        '/api/channels',
        {
          token,
          body: { name: 'pooled-room' },
        },
      );
      expect(created.status).toBe(201);
      const channelId = created.body.channel.id;

      const acks = await Promise.all(
        range(1, 40).map((n) =>
          request<{ message: { id: string; seq: number } }>(
            server.url,
            'POST',
            `/api/channels/${channelId}/messages`,
            { token, body: { content: `message ${n}` } },
          ),
        ),
      );
      expect(acks.map((ack) => ack.status)).toEqual(range(1, 40).map(() => 201));
      const acked = acks.map((ack) => ack.body.message);
      expect(acked.map((m) => m.seq).sort((x, y) => x - y)).toEqual(range(1, 40));

      const rows = await direct<{ id: string; seq: number }[]>`
        select id, seq::int as seq from messages where channel_id = ${channelId} order by seq`;
      expect(rows.map((row) => row.seq)).toEqual(range(1, 40));
      const byId = new Map(rows.map((row) => [row.id, row.seq]));
      for (const ack of acked) expect(byId.get(ack.id), `ack ${ack.id}`).toBe(ack.seq);

      expect(await server.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    });

    it("passes the message service's suite through it", async () => {
      const logBefore = bouncer.log().length;
      const apiDir = fileURLToPath(new URL('../../../packages/api', import.meta.url));
      const vitest = join(apiDir, 'node_modules/vitest/vitest.mjs');
      const env = Object.fromEntries(
        Object.entries(process.env).filter(
          ([name]) => !name.startsWith('VITEST') && name !== 'NODE_ENV',
        ),
      );
      const child = spawn(
        process.execPath,
        [vitest, 'run', '--color=false', '--reporter=verbose', 'src/services/messages.test.ts'],
        {
          cwd: apiDir,
          env: { ...env, TEST_DATABASE_POOLER_URL: bouncer.url(databaseUrl ?? '') },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

      expect(code, output).toBe(0);
      expect(output).toContain('messages service on postgres');
      // its databases were used through the pooler, not beside it
      expect(bouncer.log().slice(logBefore)).toMatch(/login attempt: db=chat_test_/);
    }, 180_000);
  },
);
