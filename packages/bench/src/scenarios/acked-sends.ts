// Acked /ws sends, closed loop: each sender socket keeps one `message` frame in flight, the
// next going out when its ack comes back. Across one channel per sender, and all senders in
// one hot channel. Compared with the INSERT ceiling (Postgres) or the raw PGlite loop.
import type { ChatServer } from '../lib/chat-server.js';
import { mergeLatencies } from '../lib/latency.js';
import { ProcessMeter } from '../lib/process-meter.js';
import type { Worker } from '../lib/rpc.js';
import type { World } from '../lib/world.js';
import type { Context } from '../context.js';
import type { Row, Target } from '../report.js';
import type { ClientHandlers, Sender } from '../workers/clients.js';
import { expectNoErrors, type Outcome } from './scenario.js';

export type Engine = 'postgres' | 'pglite';

/** A client process with one socket per acked sender (socket i is user i). */
export async function openSenders(
  ctx: Context,
  server: ChatServer,
  world: World,
): Promise<Worker<ClientHandlers>> {
  const clients = ctx.worker<ClientHandlers>('acked senders', 'clients');
  await clients.call('open', {
    protocol: 'chat',
    targets: world.users
      .slice(0, world.acked.length)
      .map((user) => ({ url: server.url, token: user.token })),
  });
  return clients;
}

export async function ackedSends(
  ctx: Context,
  server: ChatServer,
  clients: Worker<ClientHandlers>,
  world: World,
  engine: Engine,
  layout: 'channels' | 'hot',
): Promise<Outcome> {
  const senders: Sender[] = world.acked.map((channel, socket) => ({
    socket,
    channel: layout === 'hot' ? world.hot : channel,
  }));
  const prefix = `${engine}-${layout}`;
  await clients.call('closedLoop', {
    senders,
    durationMs: ctx.warmupMs,
    prefix: `${prefix}-warm`,
  });
  await server.eventLoop(); // resets its histogram
  const meter = new ProcessMeter([server.pid]);
  meter.start();
  const run = await clients.call('closedLoop', {
    senders,
    durationMs: ctx.sizes.windowMs,
    prefix,
  });
  const usage = meter.stop();
  const eventLoop = await server.eventLoop();
  expectNoErrors('acked sends', run.errors);

  const rate = run.acked / run.seconds;
  const ack = mergeLatencies([run.ack]);
  const anchorName = engine === 'postgres' ? 'insert-c64' : 'pglite-insert';
  const anchor = ctx.measured.get(anchorName);
  const anchorLabel =
    engine === 'postgres' ? 'INSERT … RETURNING, concurrency 64' : 'raw PGlite INSERT loop';
  const rateTarget: Target | undefined =
    engine === 'pglite'
      ? { on: 'ratio', atLeast: 0.5 }
      : { on: 'ratio', atLeast: layout === 'hot' ? 0.5 : 1.0 };
  const rows: Row[] = [
    {
      measure: 'acked sends/s',
      unit: '/s',
      ours: rate,
      anchor: anchor && { label: anchorLabel, value: anchor.rate },
      target: rateTarget,
      eventLoop,
    },
    {
      measure: 'ack p50',
      unit: 'ms',
      ours: ack.p50,
      anchor: anchor && { label: anchorLabel, value: anchor.latency.p50 },
    },
    {
      measure: 'ack p99',
      unit: 'ms',
      ours: ack.p99,
      anchor: anchor && { label: anchorLabel, value: anchor.latency.p99 },
      target:
        engine === 'postgres' && layout === 'channels' ? { on: 'ratio', atMost: 2 } : undefined,
    },
    { measure: 'server CPU', unit: '%', ours: usage.cpuPercent },
  ];
  if (engine === 'pglite')
    rows.push({
      measure: 'event-loop delay max',
      unit: 'ms',
      ours: eventLoop.max,
      target: { on: 'value', atMost: 50 },
      note: 'includes the 10 ms sampling interval',
    });
  return {
    rows,
    series: [
      { label: 'this project', rate, rateUnit: 'sends/s', latency: ack, latencyOf: 'ack' },
      ...(anchor
        ? [
            {
              label: anchorLabel,
              rate: anchor.rate,
              rateUnit: 'rows/s',
              latency: anchor.latency,
              latencyOf: 'insert',
            },
          ]
        : []),
    ],
    details: {
      sent: run.sent,
      acked: run.acked,
      unanswered: run.unanswered,
      seconds: run.seconds,
      usage,
      eventLoop,
    },
  };
}
