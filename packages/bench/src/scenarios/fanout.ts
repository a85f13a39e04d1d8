// Fan-out: receiving sockets in channels (rooms) of equal size held by client processes, one
// sender socket per channel in a process of its own sending at a fixed total rate; each
// delivery timed from its send. Ours (persisting every message) against Socket.IO 4 (no
// persistence), one process or two through Redis. Before the first send, the heap per idle
// socket (after GC) of the same sockets.
import type { ChatServer } from '../lib/chat-server.js';
import type { LoopDelay } from '../lib/event-loop.js';
import type { SocketTarget } from '../lib/client-sockets.js';
import { mergeLatencies, type Latency } from '../lib/latency.js';
import { ProcessMeter, type ProcessUsage } from '../lib/process-meter.js';
import type { Worker } from '../lib/rpc.js';
import type { World } from '../lib/world.js';
import type { Context } from '../context.js';
import type { ClientHandlers, Sender } from '../workers/clients.js';
import type { PagerHandlers } from '../workers/ws-pager.js';
import type { SocketIoHandlers } from '../workers/socketio-server.js';
import { expectNoErrors } from './scenario.js';

export interface FanoutClients {
  receivers: Worker<ClientHandlers>[];
  sender: Worker<ClientHandlers>;
}

export interface FanoutRun {
  rate: number;
  sent: number;
  /** Sends neither acked nor refused 10 s after the last. */
  unanswered: number;
  expected: number;
  delivered: number;
  deliveredPerSecond: number;
  latency: Latency;
  ack: Latency;
  usage: ProcessUsage;
  eventLoop?: LoopDelay;
}

/** The target servers of one side of the comparison. */
export interface FanoutSide {
  protocol: 'chat' | 'socketio';
  pids: number[];
  /** Receiving sockets, in channel order; a sender socket per channel. */
  receiverTargets: SocketTarget[];
  senderTargets: SocketTarget[];
  channels: string[];
  eventLoop: () => Promise<LoopDelay | undefined>;
}

export function startFanoutClients(ctx: Context): FanoutClients {
  const receivers = Array.from({ length: ctx.sizes.receiverProcesses }, (_, i) =>
    ctx.worker<ClientHandlers>(`receivers ${i + 1}`, 'clients'),
  );
  return { receivers, sender: ctx.worker<ClientHandlers>('senders', 'clients') };
}

/** Opens `targets` spread round robin over the receiver processes. */
export async function openReceivers(
  clients: FanoutClients,
  protocol: FanoutSide['protocol'],
  targets: SocketTarget[],
): Promise<void> {
  const { receivers } = clients;
  await Promise.all(
    receivers.map((worker, w) =>
      worker.call('open', {
        protocol,
        targets: targets.filter((_, i) => i % receivers.length === w),
      }),
    ),
  );
}

export async function closeSockets(clients: FanoutClients): Promise<void> {
  await Promise.all([...clients.receivers, clients.sender].map((w) => w.call('closeAll')));
}

const totalDelivered = async (clients: FanoutClients) =>
  (await Promise.all(clients.receivers.map((w) => w.call('delivered')))).reduce((a, b) => a + b, 0);

/** One run at `rate` sends/s; the receivers are open, the sender sockets too. */
export async function fanoutRun(
  ctx: Context,
  clients: FanoutClients,
  side: FanoutSide,
  rate: number,
): Promise<FanoutRun> {
  const senders: Sender[] = side.channels.map((channel, socket) => ({ socket, channel }));
  const prefix = `${side.protocol}-${rate}-${Date.now().toString(36)}`;
  const warm = await clients.sender.call('openLoop', {
    senders,
    rate,
    durationMs: ctx.warmupMs,
    prefix: `${prefix}-warm`,
  });
  expectNoErrors('fan-out warm-up', warm.errors);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await side.eventLoop(); // reset
  await Promise.all(clients.receivers.map((w) => w.call('startCounting')));
  const meter = new ProcessMeter(side.pids);
  meter.start();
  const startedAt = performance.now();
  const send = await clients.sender.call('openLoop', {
    senders,
    rate,
    durationMs: ctx.sizes.windowMs,
    prefix,
  });
  expectNoErrors('fan-out sends', send.errors);
  const perChannel = side.receiverTargets.length / side.channels.length;
  const expected = send.acked * perChannel;
  // the backlog drains: until all arrived, nothing more came for 2 s, or the drain time is up
  let delivered = await totalDelivered(clients);
  let lastProgressAt = performance.now();
  const drainUntil = lastProgressAt + ctx.sizes.drainMs;
  while (delivered < expected && performance.now() < drainUntil) {
    if (performance.now() - lastProgressAt > 2000) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await totalDelivered(clients);
    if (now > delivered) lastProgressAt = performance.now();
    delivered = now;
  }
  const seconds = (Math.max(lastProgressAt, startedAt + send.seconds * 1000) - startedAt) / 1000;
  const usage = meter.stop();
  const eventLoop = await side.eventLoop();
  const counted = await Promise.all(clients.receivers.map((w) => w.call('stopCounting')));
  delivered = counted.reduce((sum, c) => sum + c.delivered, 0);
  return {
    rate,
    sent: send.sent,
    unanswered: send.unanswered,
    expected,
    delivered,
    deliveredPerSecond: delivered / seconds,
    latency: mergeLatencies(counted.map((c) => c.latency)),
    ack: mergeLatencies([send.ack]),
    usage,
    eventLoop,
  };
}

/** Our server(s): receivers alternate between the instances, as do the channels' senders. */
export function chatSide(servers: ChatServer[], world: World, socketsPerUser: number): FanoutSide {
  const receiverTargets: SocketTarget[] = [];
  for (const channel of world.fanout)
    for (const member of channel.members)
      for (let k = 0; k < socketsPerUser; k++) {
        const server = servers[receiverTargets.length % servers.length] as ChatServer;
        receiverTargets.push({ url: server.url, token: world.users[member]?.token });
      }
  return {
    protocol: 'chat',
    pids: servers.map((s) => s.pid),
    receiverTargets,
    senderTargets: world.fanout.map((channel, f) => ({
      url: (servers[f % servers.length] as ChatServer).url,
      token: world.users[channel.members[0] ?? 0]?.token,
    })),
    channels: world.fanout.map((c) => c.id),
    eventLoop: async () => {
      const loops = await Promise.all(servers.map((s) => s.eventLoop()));
      return {
        p99: Math.max(...loops.map((l) => l.p99)),
        max: Math.max(...loops.map((l) => l.max)),
      };
    },
  };
}

/** Socket.IO server processes (started here), rooms as big as our channels. */
export async function socketIoSide(
  ctx: Context,
  nodes: number,
  shape: { channels: number; perChannel: number },
): Promise<{ side: FanoutSide; servers: Worker<SocketIoHandlers>[] }> {
  const servers = Array.from({ length: nodes }, (_, i) =>
    ctx.worker<SocketIoHandlers>(`Socket.IO ${i + 1}`, 'socketio-server', {
      nodeFlags: ['--expose-gc'],
    }),
  );
  const urls = await Promise.all(
    servers.map(async (server) => {
      const options = nodes > 1 ? { redisUrl: ctx.redisUrl, key: `bench-${ctx.runId}` } : {};
      return (await server.call('start', options)).url;
    }),
  );
  const rooms = Array.from({ length: shape.channels }, (_, f) => `room-${f}`);
  const receiverTargets: SocketTarget[] = [];
  for (const room of rooms)
    for (let k = 0; k < shape.perChannel; k++)
      receiverTargets.push({ url: urls[receiverTargets.length % urls.length] as string, room });
  const side: FanoutSide = {
    protocol: 'socketio',
    pids: servers.map((s) => s.pid),
    receiverTargets,
    senderTargets: rooms.map((room, f) => ({ url: urls[f % urls.length] as string, room })),
    channels: rooms,
    eventLoop: async () => {
      const loops = await Promise.all(servers.map((s) => s.call('eventLoop')));
      return {
        p99: Math.max(...loops.map((l) => l.p99)),
        max: Math.max(...loops.map((l) => l.max)),
      };
    },
  };
  return { side, servers };
}

/** Opens a side's sockets, and tells the heap per idle socket (after GC) it cost the server. */
export async function openSide(
  clients: FanoutClients,
  side: FanoutSide,
  heap: () => Promise<{ heapUsed: number }>,
): Promise<{ heapPerSocketKiB: number }> {
  const before = await heap();
  await openReceivers(clients, side.protocol, side.receiverTargets);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = await heap();
  await clients.sender.call('open', { protocol: side.protocol, targets: side.senderTargets });
  const heapPerSocketKiB = (after.heapUsed - before.heapUsed) / side.receiverTargets.length / 1024;
  return { heapPerSocketKiB };
}

/** Heap per idle socket of a raw `ws` server (the pager without a database). */
export async function rawWsHeapPerSocket(
  ctx: Context,
  clients: FanoutClients,
  sockets: number,
): Promise<number> {
  const pager = ctx.worker<PagerHandlers>('raw ws', 'ws-pager', { nodeFlags: ['--expose-gc'] });
  const { url } = await pager.call('start', {});
  const before = await pager.call('heap');
  await openReceivers(
    clients,
    'chat',
    Array.from({ length: sockets }, () => ({ url })),
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = await pager.call('heap');
  await closeSockets(clients);
  await pager.call('stop');
  await pager.stop();
  return (after.heapUsed - before.heapUsed) / sockets / 1024;
}
