// Resume of N missed messages: the resumer (a member of every acked channel and the hot one,
// never connected while they were written) connects and sends `resume` with cursors N
// messages back in all; timed until the N-th message frame arrives. The anchor is a raw `ws`
// server paging the same number of rows per channel out of Postgres, 100 at a time.
import { randomUUID } from 'node:crypto';
import type { ChatServer } from '../lib/chat-server.js';
import type { Worker } from '../lib/rpc.js';
import { lastSeqs, type World } from '../lib/world.js';
import type { Context } from '../context.js';
import type { Row } from '../report.js';
import type { ClientHandlers } from '../workers/clients.js';
import type { PagerHandlers } from '../workers/ws-pager.js';
import type { Engine } from './acked-sends.js';
import { expectNoErrors, type Outcome } from './scenario.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;

/** Cursors that leave exactly `count` messages to resume, newest first per channel. */
async function cursorsFor(server: ChatServer, world: World, count: number) {
  const seqs = await lastSeqs(server, world.resumer);
  const cursors: Record<string, number> = {};
  const taken: number[] = [];
  let left = count;
  for (const channel of [...world.acked, world.hot]) {
    const last = seqs.get(channel) ?? 0;
    const take = Math.min(last, left);
    if (take === 0) continue;
    cursors[channel] = last - take;
    taken.push(take);
    left -= take;
  }
  return { cursors, taken, missing: left };
}

export async function resume(
  ctx: Context,
  server: ChatServer,
  clients: Worker<ClientHandlers>,
  world: World,
  engine: Engine,
): Promise<Outcome> {
  const wanted = ctx.sizes.resumeMessages;
  let plan = await cursorsFor(server, world, wanted);
  if (plan.missing > 0) {
    // fewer were sent by the acked scenarios: top up across the acked channels (for a while)
    const topUp = await clients.call('closedLoop', {
      senders: world.acked.map((channel, socket) => ({ socket, channel })),
      durationMs: ctx.sizes.topUpMs,
      count: plan.missing,
      prefix: `${engine}-topup`,
    });
    expectNoErrors('resume top-up', topUp.errors);
    plan = await cursorsFor(server, world, wanted);
  }
  // a slow server resumes what it managed to write: the anchor pages exactly as many
  const count = wanted - plan.missing;
  if (count === 0) throw new Error('no messages to resume');
  const runs = ctx.sizes.windowMs >= 5000 ? 3 : 1;
  const ours: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await clients.call('resume', {
      url: server.url,
      token: world.resumer.token,
      cursors: plan.cursors,
      expected: count,
      timeoutMs: 120_000,
    });
    ours.push(run.ms);
  }

  const anchor: number[] = [];
  if (ctx.databaseUrl) {
    const pager = ctx.worker<PagerHandlers>('ws + postgres-js pager', 'ws-pager');
    const channels = Object.fromEntries(plan.taken.map((n) => [randomUUID(), n]));
    const { url } = await pager.call('start', {
      url: await ctx.freshDatabase(),
      messages: channels,
    });
    const cursors = Object.fromEntries(Object.keys(channels).map((id) => [id, 0]));
    for (let i = 0; i < runs; i++) {
      const run = await clients.call('resume', {
        url,
        cursors,
        expected: count,
        timeoutMs: 120_000,
      });
      anchor.push(run.ms);
    }
    await pager.call('stop');
    await pager.stop();
  }
  const anchorMs = anchor.length > 0 ? median(anchor) : undefined;
  const rows: Row[] = [
    {
      measure: `resume of ${count.toLocaleString('en-US')} missed messages (${plan.taken.length} channels)`,
      unit: 'ms',
      ours: median(ours),
      anchor:
        anchorMs === undefined
          ? undefined
          : { label: 'raw ws + postgres-js, pages of 100', value: anchorMs },
      target: engine === 'postgres' ? { on: 'ratio', atMost: 1.2 } : undefined,
      note:
        [
          runs > 1 ? `median of ${runs}` : '',
          count < wanted
            ? `${wanted.toLocaleString('en-US')} wanted: the server wrote too few in time`
            : '',
        ]
          .filter(Boolean)
          .join('; ') || undefined,
    },
  ];
  return { rows, series: [], details: { ours, anchor, channels: plan.taken.length } };
}
