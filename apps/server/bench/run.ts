// `pnpm bench`: throughput, latency and memory of one server instance, measured over real
// HTTP and WebSocket connections on loopback. Uses PGlite, or Postgres when DATABASE_URL is set
// (a fresh database, dropped after). Results go to stdout as a Markdown table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testJwtSecret } from '@chat/api/testing';
import { createTestDatabase } from '@chat/db/testing';
import WebSocket from 'ws';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/env.js';
import { createRuntime } from '../src/runtime.js';

const kind = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const results: [string, string][] = [];
const record = (name: string, value: string) => {
  results.push([name, value]);
  console.error(`${name}: ${value}`);
};

const dataDir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
const database = await createTestDatabase(kind);
const config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: testJwtSecret, LOG_LEVEL: 'silent' });
const runtime = await createRuntime(config, { database });
const app = await buildApp({
  config,
  runtime,
  logger: false,
  authRateLimits: { perIp: 1e9, perUsername: 1e9 },
  wsLimits: { burst: 1e9, perSecond: 1e9 },
});
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const wsBase = base.replace('http', 'ws');

async function api<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(base + path, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

interface Session {
  user: { id: string };
  accessToken: string;
}
const register = (name: string) =>
  api<Session>('POST', '/api/auth/register', undefined, {
    username: name,
    email: `${name}@bench.test`,
    password: 'bench-password',
  });

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const ms = (n: number) => `${n.toFixed(2)} ms`;

function openSocket(token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${wsBase}/ws?token=${token}`);
    socket.once('message', () => resolve(socket)); // `ready`
    socket.once('error', reject);
  });
}

const stamp = Date.now().toString(36);
const users = await Promise.all(
  Array.from({ length: 20 }, (_, i) => register(`bench${stamp}${i}`)),
);
const owner = users[0] as Session;
const { channel } = await api<{ channel: { id: string } }>(
  'POST',
  '/api/channels',
  owner.accessToken,
  {
    name: 'bench',
    memberIds: users.slice(1).map((u) => u.user.id),
  },
);

// 1. REST send throughput: 20 clients, 2,000 messages into one channel.
{
  const perClient = 100;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    users.map(async (user) => {
      for (let i = 0; i < perClient; i++) {
        const t = performance.now();
        await api('POST', `/api/channels/${channel.id}/messages`, user.accessToken, {
          content: `message ${i}`,
        });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  record(
    'REST send, 20 concurrent clients, one channel',
    `${Math.round(latencies.length / seconds)} msg/s`,
  );
  record(
    'REST send latency p50 / p99',
    `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))}`,
  );
}

// 2. /ws delivery latency: a sender and 100 receiving sockets in one channel.
{
  const receivers = await Promise.all(
    Array.from({ length: 100 }, (_, i) => openSocket((users[1 + (i % 19)] as Session).accessToken)),
  );
  const sender = await openSocket(owner.accessToken);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  for (const socket of receivers) {
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; clientMsgId?: string };
      const at =
        frame.type === 'message' && frame.clientMsgId ? sentAt.get(frame.clientMsgId) : undefined;
      if (at !== undefined) latencies.push(performance.now() - at);
    });
  }
  const count = 200;
  for (let i = 0; i < count; i++) {
    const clientMsgId = `bench-${i}`;
    const acked = new Promise<void>((resolve) => {
      const onAck = (data: Buffer) => {
        if (data.toString().includes(`"ack"`) && data.toString().includes(clientMsgId)) {
          sender.off('message', onAck);
          resolve();
        }
      };
      sender.on('message', onAck);
    });
    sentAt.set(clientMsgId, performance.now());
    sender.send(
      JSON.stringify({
        type: 'message',
        channel: channel.id,
        content: `fan-out ${i}`,
        clientMsgId,
      }),
    );
    await acked;
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  record('/ws deliveries (200 messages × 100 sockets)', `${latencies.length} of ${count * 100}`);
  record(
    '/ws send → delivery latency p50 / p99',
    `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))}`,
  );
  for (const socket of [...receivers, sender]) socket.close();
}

// 3. Memory per idle /ws connection (each with its channel subscriptions).
{
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = process.memoryUsage();
  const sockets = await Promise.all(
    Array.from({ length: 1000 }, (_, i) => openSocket((users[i % 20] as Session).accessToken)),
  );
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = process.memoryUsage();
  const perConnection = (after.heapUsed - before.heapUsed) / sockets.length;
  record(
    'heap per idle /ws connection (1,000 open, client and server in one process)',
    `${(perConnection / 1024).toFixed(1)} KiB`,
  );
  for (const socket of sockets) socket.close();
}

await app.close();
await runtime.close();
await database.dispose();
rmSync(dataDir, { recursive: true, force: true });

console.log(`\n### ${new Date().toISOString().slice(0, 10)} — ${kind}, Node ${process.version}\n`);
console.log('| measure | result |\n|---|---|');
for (const [name, value] of results) console.log(`| ${name} | ${value} |`);
