// The resume anchor: a raw `ws` server over postgres-js that answers
// `{ type: 'resume', cursors }` with every newer row of the anchor table, in pages of 100, one
// `message` frame per row. It is also the raw-ws anchor of heap per idle socket.
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { WebSocketServer } from 'ws';
import { createAnchorTable } from '../lib/anchor-table.js';
import { eventLoopMonitor } from '../lib/event-loop.js';
import { serve } from '../lib/rpc.js';

const loop = eventLoopMonitor();
let sql: postgres.Sql | undefined;
let wss: WebSocketServer | undefined;

interface Row {
  id: string;
  channel_id: string;
  seq: string;
  user_id: string;
  content: string;
  client_msg_id: string | null;
  created_at: Date;
}

async function seed(db: postgres.Sql, messages: Record<string, number>) {
  await db.unsafe(createAnchorTable);
  for (const [channel, count] of Object.entries(messages)) {
    await db`
      insert into bench_messages (channel_id, seq, user_id, content, client_msg_id)
      select ${channel}, n, gen_random_uuid(), 'bench:' || n, 'c-' || n
      from generate_series(1, ${count}::int) as n`;
  }
}

async function resume(db: postgres.Sql, send: (text: string) => void, cursors: object) {
  for (const [channel, cursor] of Object.entries(cursors)) {
    for (let after = Number(cursor); ;) {
      const rows = await db<Row[]>`
        select id, channel_id, seq, user_id, content, client_msg_id, created_at
        from bench_messages where channel_id = ${channel} and seq > ${after}
        order by seq limit 100`;
      for (const row of rows) {
        send(
          JSON.stringify({
            type: 'message',
            channel: row.channel_id,
            id: row.id,
            seq: Number(row.seq),
            userId: row.user_id,
            content: row.content,
            clientMsgId: row.client_msg_id,
            createdAt: row.created_at.toISOString(),
          }),
        );
      }
      if (rows.length < 100) break;
      after = Number(rows.at(-1)?.seq);
    }
  }
}

const handlers = {
  /** Seeds `messages` rows per channel id, then listens (without a database: idle sockets only). */
  async start({ url, messages = {} }: { url?: string; messages?: Record<string, number> }) {
    const db = url ? postgres(url, { max: 4, onnotice: () => {} }) : undefined;
    sql = db;
    if (db) await seed(db, messages);
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss = server;
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (socket) => {
      socket.send(JSON.stringify({ type: 'ready' }));
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as { type: string; cursors?: object };
        if (db && frame.type === 'resume' && frame.cursors)
          void resume(db, (text) => socket.send(text), frame.cursors);
      });
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  },

  eventLoop: () => loop.read(),

  heap() {
    globalThis.gc?.();
    return process.memoryUsage();
  },

  async stop() {
    for (const socket of wss?.clients ?? []) socket.terminate();
    await new Promise((resolve) => wss?.close(resolve));
    await sql?.end();
  },
};

export type PagerHandlers = typeof handlers;
serve(handlers);
