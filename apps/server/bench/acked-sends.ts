// Rough acked-send throughput: 64 /ws senders, one channel each (or one hot channel with HOT=1),
// each sending its next message as soon as the previous one is acked, for 5 seconds.
// `DATABASE_URL=… node --import tsx bench/acked-sends.ts`
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testJwtSecret } from '@chat/api/testing';
import { createTestDatabase } from '@chat/db/testing';
import WebSocket from 'ws';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/env.js';
import { createRuntime } from '../src/runtime.js';

const senders = 64;
const seconds = 5;
const hot = process.env.HOT === '1';
const database = await createTestDatabase(process.env.DATABASE_URL ? 'postgres' : 'pglite');
const config = loadConfig({
  DATA_DIR: mkdtempSync(join(tmpdir(), 'chat-sends-')),
  JWT_SECRET: testJwtSecret,
  LOG_LEVEL: 'silent',
});
const runtime = await createRuntime(config, { database });
const app = await buildApp({
  config,
  runtime,
  logger: false,
  authRateLimits: { perIp: 1e9, perUsername: 1e9 },
  wsLimits: { burst: 1e9, perSecond: 1e9 },
  writeLimit: { points: 1e9 },
});
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const post = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return (await response.json()) as T;
};
const stamp = Date.now().toString(36);
const users: { accessToken: string }[] = [];
for (let i = 0; i < senders; i++)
  users.push(
    await post('/api/auth/register', {
      username: `s${stamp}${i}`,
      email: `s${stamp}${i}@example.test`,
      password: 'correct horse battery',
    }),
  );
const channels: string[] = [];
for (let i = 0; i < (hot ? 1 : senders); i++) {
  const { channel } = await post<{ channel: { id: string } }>(
    '/api/channels',
    { name: `c${stamp}${i}`, isPrivate: false, memberIds: [] },
    users[i]?.accessToken,
  );
  channels.push(channel.id);
}
const latencies: number[] = [];
const errors = new Set<string | undefined>();
const deadline = performance.now() + seconds * 1000;
await Promise.all(
  users.map(async (user, i) => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${user.accessToken}`);
    await new Promise((resolve) => socket.once('open', resolve));
    const channel = channels[hot ? 0 : i] as string;
    if (hot) socket.send(JSON.stringify({ type: 'join', channel }));
    let pending: (() => void) | undefined;
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; message?: string };
      if (frame.type === 'error') errors.add(frame.message);
      if (frame.type === 'ack' || frame.type === 'error') pending?.();
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (let n = 0; performance.now() < deadline; n++) {
      const started = performance.now();
      await new Promise<void>((resolve) => {
        pending = resolve;
        socket.send(
          JSON.stringify({ type: 'message', channel, content: `m ${n}`, clientMsgId: `${i}-${n}` }),
        );
      });
      latencies.push(performance.now() - started);
    }
    socket.close();
  }),
);
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.floor((latencies.length - 1) * p)]?.toFixed(1);
console.log(
  `${hot ? 'one hot channel' : `${senders} channels`}: ${Math.round(latencies.length / (seconds - 0.5))} acked/s, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`,
);
if (errors.size) console.log('errors:', [...errors]);
await app.close();
await runtime.close();
await database.dispose();
process.exit(0);
