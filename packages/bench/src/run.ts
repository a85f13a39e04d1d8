// One run of every scenario, in an order that shares what is costly to set up: the database
// anchors first, then per engine one server with its users and channels (acked sends, resume,
// and on the first engine idle sockets and fan-out against Socket.IO), then two instances
// through Redis. Scenarios that need Postgres or Redis are left out when those are unset.
import { Context } from './context.js';
import { ChatServer } from './lib/chat-server.js';
import { rssMiB } from './lib/process-meter.js';
import { createWorld } from './lib/world.js';
import type { ScenarioResult } from './report.js';
import type { Sizes } from './sizes.js';
import { ackedSends, openSenders, type Engine } from './scenarios/acked-sends.js';
import type { FanoutRun } from './scenarios/fanout.js';
import { oneInstanceFanout, twoInstanceFanout } from './scenarios/fanout-phase.js';
import { pgliteInsertLoop, postgresInsertCeiling } from './scenarios/insert-anchors.js';
import { resume } from './scenarios/resume.js';
import { leftOut, runScenario } from './scenarios/scenario.js';

const engineName = (engine: Engine) => (engine === 'postgres' ? 'Postgres' : 'PGlite');

function titles(sizes: Sizes, engine: Engine) {
  const name = engineName(engine);
  return {
    channels: [
      `acked-${engine}-channels`,
      `acked /ws sends, ${sizes.ackedSenders} channels, ${name}`,
    ],
    hot: [`acked-${engine}-hot`, `acked /ws sends, one hot channel, ${name}`],
    resume: [`resume-${engine}`, `resume, ${name}`],
    rss: ['embedded-rss', 'embedded server (PGlite) at rest'],
    idle: ['idle-memory', 'idle sockets'],
    fanout: [
      'fanout',
      `fan-out, channels of ${sizes.usersPerFanoutChannel * sizes.socketsPerUser}, ${name}`,
    ],
  } as const;
}

async function enginePhase(
  ctx: Context,
  engine: Engine,
  primary: boolean,
  results: ScenarioResult[],
): Promise<FanoutRun | undefined> {
  const { sizes } = ctx;
  const t = titles(sizes, engine);
  const mark = ctx.mark();
  let setup: Awaited<ReturnType<typeof startEngine>> | undefined;
  const started = await runScenario(
    `${engine}-setup`,
    `${engineName(engine)} server, users and channels`,
    async () => {
      setup = await startEngine(ctx, engine, primary);
      return { rows: [], series: [], details: { rssAtRestMiB: setup.rssAtRestMiB } };
    },
  );
  if (!setup) {
    results.push(started);
    await ctx.cleanUp(mark);
    return undefined;
  }
  const { server, world, clients } = setup;
  if (engine === 'pglite') {
    const rss = setup.rssAtRestMiB;
    results.push(
      await runScenario(t.rss[0], t.rss[1], async () => ({
        rows: [
          { measure: 'RSS at rest', unit: 'MiB', ours: rss, target: { on: 'value', atMost: 150 } },
        ],
        series: [],
        details: { rssMiB: rss },
      })),
    );
  }
  results.push(
    await runScenario(t.channels[0], t.channels[1], () =>
      ackedSends(ctx, server, clients, world, engine, 'channels'),
    ),
    await runScenario(t.hot[0], t.hot[1], () =>
      ackedSends(ctx, server, clients, world, engine, 'hot'),
    ),
    await runScenario(t.resume[0], t.resume[1], () => resume(ctx, server, clients, world, engine)),
  );
  await clients.stop();
  let oursAtTopRate: FanoutRun | undefined;
  if (primary) {
    const phase = oneInstanceFanout(ctx, server, world);
    phase.catch(() => {}); // reported by both scenarios below
    results.push(
      await runScenario(t.idle[0], t.idle[1], async () => (await phase).idle),
      await runScenario(t.fanout[0], t.fanout[1], async () => (await phase).fanout),
    );
    oursAtTopRate = await phase.then((p) => p.oursAtTopRate).catch(() => undefined);
  }
  await ctx.cleanUp(mark);
  return oursAtTopRate;
}

async function startEngine(ctx: Context, engine: Engine, primary: boolean) {
  const { sizes } = ctx;
  const databaseUrl = engine === 'postgres' ? await ctx.freshDatabase() : undefined;
  const server = await ChatServer.start({ databaseUrl, jwtSecret: ctx.jwtSecret });
  ctx.defer(() => server.stop());
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rssAtRestMiB = rssMiB(server.pid);
  const world = await createWorld(
    server,
    {
      fanoutChannels: primary ? sizes.fanoutChannels : 0,
      usersPerFanoutChannel: sizes.usersPerFanoutChannel,
      ackedSenders: sizes.ackedSenders,
    },
    `${ctx.runId}${engine[1]}`,
  );
  const clients = await openSenders(ctx, server, world);
  return { server, world, clients, rssAtRestMiB };
}

async function twoInstances(ctx: Context, oneInstance: FanoutRun | undefined) {
  const { sizes } = ctx;
  const mark = ctx.mark();
  try {
    const databaseUrl = await ctx.freshDatabase();
    const options = {
      databaseUrl,
      redisUrl: ctx.redisUrl,
      redisKeyPrefix: `bench-${ctx.runId}:`,
      jwtSecret: ctx.jwtSecret,
    };
    // one after the other: the first applies the migrations
    const first = await ChatServer.start(options);
    ctx.defer(() => first.stop());
    const second = await ChatServer.start(options);
    ctx.defer(() => second.stop());
    const world = await createWorld(
      first,
      {
        fanoutChannels: sizes.fanoutChannels,
        usersPerFanoutChannel: sizes.usersPerFanoutChannel,
        ackedSenders: 0,
      },
      `${ctx.runId}r`,
    );
    return await twoInstanceFanout(ctx, [first, second], world, oneInstance);
  } finally {
    await ctx.cleanUp(mark);
  }
}

export async function runBench(sizes: Sizes): Promise<ScenarioResult[]> {
  const ctx = new Context(sizes);
  const results: ScenarioResult[] = [];
  const noPostgres = 'DATABASE_URL is unset';
  try {
    results.push(
      ctx.databaseUrl
        ? await runScenario('insert-ceiling', 'postgres-js INSERT … RETURNING (anchor)', () =>
            postgresInsertCeiling(ctx),
          )
        : leftOut('insert-ceiling', 'postgres-js INSERT … RETURNING (anchor)', noPostgres),
      await runScenario('pglite-insert', 'raw PGlite INSERT loop (anchor)', () =>
        pgliteInsertLoop(ctx),
      ),
    );
    let oneInstance: FanoutRun | undefined;
    if (ctx.databaseUrl) {
      oneInstance = await enginePhase(ctx, 'postgres', true, results);
      await enginePhase(ctx, 'pglite', false, results);
    } else {
      const t = titles(sizes, 'postgres');
      for (const [id, title] of [t.channels, t.hot, t.resume])
        results.push(leftOut(id, title, noPostgres));
      await enginePhase(ctx, 'pglite', true, results);
    }
    const two = ['two-instances', 'two instances through Redis'] as const;
    results.push(
      ctx.databaseUrl && ctx.redisUrl
        ? await runScenario(two[0], two[1], () => twoInstances(ctx, oneInstance))
        : leftOut(
            two[0],
            two[1],
            ctx.databaseUrl ? 'REDIS_URL is unset' : `${noPostgres} (and REDIS_URL)`,
          ),
    );
  } finally {
    await ctx.cleanUp();
  }
  return results;
}
