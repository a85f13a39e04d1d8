// The fan-out comparisons as rows: idle heap per socket, then fan-out at each rate on one
// instance against one Socket.IO node, and two instances through Redis against two Socket.IO
// nodes with the Redis adapter.
import type { ChatServer } from '../lib/chat-server.js';
import type { World } from '../lib/world.js';
import type { Context } from '../context.js';
import type { Row, Series, Target } from '../report.js';
import { socketsPerChannel } from '../sizes.js';
import {
  chatSide,
  closeSockets,
  fanoutRun,
  openSide,
  rawWsHeapPerSocket,
  socketIoSide,
  startFanoutClients,
  type FanoutRun,
} from './fanout.js';
import type { Outcome } from './scenario.js';

function fanoutRows(
  ours: FanoutRun,
  anchor: FanoutRun,
  anchorLabel: string,
  targets: { p99?: Target; delivered?: Target },
): Row[] {
  const label = `${anchorLabel} at ${anchor.rate}/s`;
  const notes = [
    ours.delivered < ours.expected
      ? `${ours.delivered.toLocaleString('en-US')} of ${ours.expected.toLocaleString('en-US')} arrived in the drain time`
      : '',
    ours.unanswered > 0 ? `${ours.unanswered} of ${ours.sent} sends unacked after 10 s` : '',
  ].filter(Boolean);
  const note = notes.length > 0 ? notes.join('; ') : undefined;
  return [
    {
      measure: `${ours.rate} sends/s: send→deliver p50`,
      unit: 'ms',
      ours: ours.latency.p50,
      anchor: { label, value: anchor.latency.p50 },
    },
    {
      measure: `${ours.rate} sends/s: send→deliver p90`,
      unit: 'ms',
      ours: ours.latency.p90,
      anchor: { label, value: anchor.latency.p90 },
    },
    {
      measure: `${ours.rate} sends/s: send→deliver p99`,
      unit: 'ms',
      ours: ours.latency.p99,
      anchor: { label, value: anchor.latency.p99 },
      target: targets.p99,
      eventLoop: ours.eventLoop,
    },
    {
      measure: `${ours.rate} sends/s: send→deliver max`,
      unit: 'ms',
      ours: ours.latency.max,
      anchor: { label, value: anchor.latency.max },
    },
    {
      measure: `${ours.rate} sends/s: delivered/s`,
      unit: '/s',
      ours: ours.deliveredPerSecond,
      anchor: { label, value: anchor.deliveredPerSecond },
      target: targets.delivered,
      note,
    },
    {
      measure: `${ours.rate} sends/s: server CPU`,
      unit: '%',
      ours: ours.usage.cpuPercent,
      anchor: { label, value: anchor.usage.cpuPercent },
    },
    {
      measure: `${ours.rate} sends/s: server RSS`,
      unit: 'MiB',
      ours: ours.usage.rssMiB,
      anchor: { label, value: anchor.usage.rssMiB },
    },
  ];
}

const seriesOf = (label: string, run: FanoutRun): Series => ({
  label: `${label} at ${run.rate}/s`,
  rate: run.deliveredPerSecond,
  rateUnit: 'deliveries/s',
  latency: run.latency,
  latencyOf: 'send→deliver',
});

/** Idle sockets and fan-out on one instance of ours (on `server`) and one Socket.IO node. */
export async function oneInstanceFanout(
  ctx: Context,
  server: ChatServer,
  world: World,
): Promise<{ idle: Outcome; fanout: Outcome; oursAtTopRate: FanoutRun }> {
  const { sizes } = ctx;
  const clients = startFanoutClients(ctx);
  const ours = chatSide([server], world, sizes.socketsPerUser);
  const oursIdle = await openSide(clients, ours, () => server.heap());
  const oursRuns: FanoutRun[] = [];
  for (const rate of sizes.fanoutRates) oursRuns.push(await fanoutRun(ctx, clients, ours, rate));
  await closeSockets(clients);

  const shape = { channels: sizes.fanoutChannels, perChannel: socketsPerChannel(sizes) };
  const { side: anchor, servers } = await socketIoSide(ctx, 1, shape);
  const io = servers[0];
  if (!io) throw new Error('no Socket.IO server');
  const anchorIdle = await openSide(clients, anchor, () => io.call('heap'));
  const anchorRuns: FanoutRun[] = [];
  for (const rate of sizes.fanoutRates)
    anchorRuns.push(await fanoutRun(ctx, clients, anchor, rate));
  await closeSockets(clients);
  await io.call('stop');
  await io.stop();
  const rawWs = await rawWsHeapPerSocket(ctx, clients, ours.receiverTargets.length);
  await Promise.all([...clients.receivers, clients.sender].map((w) => w.stop()));

  const sockets = ours.receiverTargets.length;
  const idle: Outcome = {
    rows: [
      {
        measure: `heap per idle authenticated socket (${sockets.toLocaleString('en-US')} open, after GC)`,
        unit: 'KiB',
        ours: oursIdle.heapPerSocketKiB,
        anchor: { label: 'Socket.IO 4', value: anchorIdle.heapPerSocketKiB },
        target: { on: 'value', atMost: 8 },
      },
      {
        measure: 'heap per idle socket vs raw ws',
        unit: 'KiB',
        ours: oursIdle.heapPerSocketKiB,
        anchor: { label: 'raw ws', value: rawWs },
        target: { on: 'value', atMost: 8 },
      },
    ],
    series: [],
    details: { ours: oursIdle, socketIo: anchorIdle, rawWsKiB: rawWs, sockets },
  };
  const [lowRate, topRate] = sizes.fanoutRates;
  const rows = oursRuns.flatMap((run, i) =>
    fanoutRows(run, anchorRuns[i] as FanoutRun, 'Socket.IO 4', {
      p99:
        run.rate === lowRate
          ? { on: 'ratio', atMost: 2 }
          : run.rate === topRate
            ? { on: 'ratio', atMost: 1 }
            : undefined,
      delivered: run.rate === topRate ? { on: 'ratio', atLeast: 1 } : undefined,
    }),
  );
  const fanout: Outcome = {
    rows,
    series: oursRuns.flatMap((run, i) => [
      seriesOf('this project', run),
      seriesOf('Socket.IO 4', anchorRuns[i] as FanoutRun),
    ]),
    details: { ours: oursRuns, socketIo: anchorRuns },
  };
  const oursAtTopRate = oursRuns.at(-1);
  if (!oursAtTopRate) throw new Error('no fan-out run');
  return { idle, fanout, oursAtTopRate };
}

/** Two instances of ours through Redis against two Socket.IO nodes with the Redis adapter. */
export async function twoInstanceFanout(
  ctx: Context,
  servers: ChatServer[],
  world: World,
  oneInstance: FanoutRun | undefined,
): Promise<Outcome> {
  const { sizes } = ctx;
  const rate = sizes.fanoutRates[1];
  const clients = startFanoutClients(ctx);
  const ours = chatSide(servers, world, sizes.socketsPerUser);
  const heap = async () => {
    const heaps = await Promise.all(servers.map((s) => s.heap()));
    return { heapUsed: heaps.reduce((sum, h) => sum + h.heapUsed, 0) };
  };
  await openSide(clients, ours, heap);
  const oursRun = await fanoutRun(ctx, clients, ours, rate);
  await closeSockets(clients);

  const shape = { channels: sizes.fanoutChannels, perChannel: socketsPerChannel(sizes) };
  const { side: anchor, servers: nodes } = await socketIoSide(ctx, 2, shape);
  await openSide(clients, anchor, async () => ({ heapUsed: 0 }));
  const anchorRun = await fanoutRun(ctx, clients, anchor, rate);
  await closeSockets(clients);
  await Promise.all(nodes.map(async (node) => node.call('stop').then(() => node.stop())));
  await Promise.all([...clients.receivers, clients.sender].map((w) => w.stop()));

  const rows = fanoutRows(oursRun, anchorRun, 'Socket.IO 4 + Redis adapter, 2 nodes', {
    delivered: { on: 'ratio', atLeast: 1 },
  });
  if (oneInstance)
    rows.push({
      measure: `${rate} sends/s: delivered/s, two instances vs one`,
      unit: '/s',
      ours: oursRun.deliveredPerSecond,
      anchor: { label: 'one instance, same run', value: oneInstance.deliveredPerSecond },
      target: { on: 'ratio', atLeast: 1.6 },
      note: 'both instances, their clients and Postgres share 2 cores',
    });
  return {
    rows,
    series: [
      seriesOf('this project, 2 instances', oursRun),
      seriesOf('Socket.IO + Redis adapter, 2 nodes', anchorRun),
    ],
    details: { ours: oursRun, socketIo: anchorRun },
  };
}
