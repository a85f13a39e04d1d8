// The Socket.IO 4 anchor: a server that broadcasts each sent message to its room, persisting
// nothing; with a Redis URL, the rooms span processes through @socket.io/redis-adapter.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { eventLoopMonitor } from '../lib/event-loop.js';
import { serve } from '../lib/rpc.js';

const loop = eventLoopMonitor();
let io: Server | undefined;
const redisClients: Redis[] = [];

const handlers = {
  async start({ redisUrl, key }: { redisUrl?: string; key?: string }) {
    const http = createServer();
    io = new Server(http, { transports: ['websocket'], serveClient: false });
    if (redisUrl) {
      const pub = new Redis(redisUrl);
      const sub = pub.duplicate();
      redisClients.push(pub, sub);
      io.adapter(createAdapter(pub, sub, { key }));
    }
    const server = io;
    const seqs = new Map<string, number>();
    server.use((socket, next) => {
      const room = socket.handshake.query.room;
      if (typeof room === 'string' && room !== '') void socket.join(room);
      next();
    });
    server.on('connection', (socket) => {
      socket.on(
        'send',
        (
          message: { channel: string; content: string; clientMsgId: string },
          ack: (answer: object) => void,
        ) => {
          const seq = (seqs.get(message.channel) ?? 0) + 1;
          seqs.set(message.channel, seq);
          const id = randomUUID();
          server.to(message.channel).emit('message', {
            ...message,
            id,
            seq,
            userId: socket.id,
            createdAt: new Date().toISOString(),
          });
          ack({ id, seq });
        },
      );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
  },

  eventLoop: () => loop.read(),

  heap() {
    globalThis.gc?.();
    return process.memoryUsage();
  },

  async stop() {
    await io?.close();
    await Promise.all(redisClients.map((client) => client.quit()));
  },
};

export type SocketIoHandlers = typeof handlers;
serve(handlers);
