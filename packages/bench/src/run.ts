// One run of every scenario, in an order that shares what is costly to set up: the database
// anchors first, then per engine one server with its users and channels (acked sends, resume,
// and on the first engine idle sockets and fan-out against Socket.IO), then two instances
// through Redis. Scenarios that need Postgres or Redis are left out when those are unset.
import { Context } from './context.js';
import { ChatServer } from './lib/chat-server.js';
import { rssMiB } from './lib/process-meter.js';
import { createWorld, type World } from './lib/world.js';
import type { ScenarioResult } from './report.js';
import type { Sizes } from './sizes.js';
import { ackedSends, openSenders, type Engine } from './scenarios/acked-sends.js';
import type { FanoutRun } from './scenarios/fanout.js';
import { oneInstanceFanout, twoInstanceFanout } from './scenarios/fanout-phase.js';
import { pgliteInsertLoop, postgresInsertCeiling } from './scenarios/insert-anchors.js';
import { resume } from './scenarios/resume.js';
import { leftOut, runScenario, type Outcome } from './scenarios/scenario.js';

/** How long a server that said it listens is left idle before its RSS counts as at rest. */
const restSeconds = 5;

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

interface PhaseOutcome {
  world?: World;
  oursAtTopRate?: FanoutRun;
}

/** One server on `databaseUrl` (else PGlite) and the scenarios run against it. */
async function enginePhase(
  ctx: Context,
  engine: Engine,
  databaseUrl: string | undefined,
  primary: boolean,
  results: ScenarioResult[],
): Promise<PhaseOutcome> {
  const { sizes } = ctx;
  const t = titles(sizes, engine);
  const mark = ctx.mark();
  let setup: Awaited<ReturnType<typeof startEngine>> | undefined;
  const started = await runScenario(
    `${engine}-setup`,
    `${engineName(engine)} server, users and channels`,
    async () => {
      setup = await startEngine(ctx, databaseUrl, engine, primary);
      return { rows: [], series: [], details: { rssAtRestMiB: setup.rssAtRestMiB } };
    },
  );
  if (!setup) {
    results.push(started);
    await ctx.cleanUp(mark);
    return {};
  }
  const { server, world, clients } = setup;
  if (engine === 'pglite' && ctx.wants(t.rss[0])) {
    const rss = setup.rssAtRestMiB;
    results.push(
      await runScenario(t.rss[0], t.rss[1], async () => ({
        rows: [
          {
            measure: `RSS at rest (${restSeconds} s idle after a first start on a new data folder)`,
            unit: 'MiB',
            ours: rss,
            target: { on: 'value', atMost: 150 },
          },
        ],
        series: [],
        details: { rssMiB: rss },
      })),
    );
  }
  if (ctx.wants(t.channels[0]))
    results.push(
      await runScenario(t.channels[0], t.channels[1], () =>
        ackedSends(ctx, server, clients, world, engine, 'channels'),
      ),
    );
  if (ctx.wants(t.hot[0]))
    results.push(
      await runScenario(t.hot[0], t.hot[1], () =>
        ackedSends(ctx, server, clients, world, engine, 'hot'),
      ),
    );
  if (ctx.wants(t.resume[0]))
    results.push(
      await runScenario(t.resume[0], t.resume[1], () =>
        resume(ctx, server, clients, world, engine),
      ),
    );
  await clients.stop();
  let oursAtTopRate: FanoutRun | undefined;
  if (primary && ctx.wants(t.idle[0], t.fanout[0], 'two-instances')) {
    const phase = oneInstanceFanout(ctx, server, world);
    phase.catch(() => {}); // reported by both scenarios below
    results.push(
      await runScenario(t.idle[0], t.idle[1], async () => (await phase).idle),
      await runScenario(t.fanout[0], t.fanout[1], async () => (await phase).fanout),
    );
    oursAtTopRate = await phase.then((p) => p.oursAtTopRate).catch(() => undefined);
  }
  await ctx.cleanUp(mark);
  return { world, oursAtTopRate };
}

async function startEngine(
  ctx: Context,
  databaseUrl: string | undefined,
  engine: Engine,
  primary: boolean,
) {
  const { sizes } = ctx;
  const server = await ChatServer.start({ databaseUrl, jwtSecret: ctx.jwtSecret });
  ctx.defer(() => server.stop());
  // at rest: started (on PGlite a first start, initdb and migrations included), listening,
  // then idle for a while, so what start-up left for the garbage collector is not counted
  await new Promise((resolve) => setTimeout(resolve, restSeconds * 1000));
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

/** Two instances through Redis on the first phase's database, with its users and channels. */
async function twoInstances(
  ctx: Context,
  databaseUrl: string,
  given: PhaseOutcome,
): Promise<Outcome> {
  const { sizes } = ctx;
  const mark = ctx.mark();
  try {
    const options = {
      databaseUrl,
      redisUrl: ctx.redisUrl,
      redisKeyPrefix: `bench-${ctx.runId}:`,
      jwtSecret: ctx.jwtSecret,
    };
    // side by side once the database is migrated; else the first migrates it
    const [first, second] = given.world
      ? await Promise.all([ChatServer.start(options), ChatServer.start(options)])
      : [await ChatServer.start(options), await ChatServer.start(options)];
    for (const server of [first, second]) ctx.defer(() => server.stop());
    const world =
      given.world ??
      (await createWorld(
        first,
        {
          fanoutChannels: sizes.fanoutChannels,
          usersPerFanoutChannel: sizes.usersPerFanoutChannel,
          ackedSenders: 0,
        },
        `${ctx.runId}r`,
      ));
    return await twoInstanceFanout(ctx, [first, second], world, given.oursAtTopRate);
  } finally {
    await ctx.cleanUp(mark);
  }
}

/** The scenario ids of one engine's phase: when none is wanted, its server is not started. */
function phaseIds(sizes: Sizes, engine: Engine, primary: boolean): string[] {
  const t = titles(sizes, engine);
  const ids: string[] = [t.channels[0], t.hot[0], t.resume[0]];
  if (engine === 'pglite') ids.push(t.rss[0]);
  if (primary) ids.push(t.idle[0], t.fanout[0], 'two-instances');
  return ids;
}

export async function runBench(sizes: Sizes, only?: readonly string[]): Promise<ScenarioResult[]> {
  const ctx = new Context(sizes, only);
  const results: ScenarioResult[] = [];
  const noPostgres = 'DATABASE_URL is unset';
  try {
    if (ctx.wants('insert-ceiling', 'acked-postgres'))
      results.push(
        ctx.databaseUrl
          ? await runScenario('insert-ceiling', 'postgres-js INSERT … RETURNING (anchor)', () =>
              postgresInsertCeiling(ctx),
            )
          : leftOut('insert-ceiling', 'postgres-js INSERT … RETURNING (anchor)', noPostgres),
      );
    if (ctx.wants('pglite-insert', 'acked-pglite'))
      results.push(
        await runScenario('pglite-insert', 'raw PGlite INSERT loop (anchor)', () =>
          pgliteInsertLoop(ctx),
        ),
      );
    // one database for the Postgres phase and the two instances after it (same users)
    const databaseUrl = ctx.databaseUrl ? await ctx.freshDatabase() : undefined;
    let first: PhaseOutcome = {};
    if (databaseUrl) {
      if (ctx.wants(...phaseIds(sizes, 'postgres', true)))
        first = await enginePhase(ctx, 'postgres', databaseUrl, true, results);
      if (ctx.wants(...phaseIds(sizes, 'pglite', false)))
        await enginePhase(ctx, 'pglite', undefined, false, results);
    } else {
      const t = titles(sizes, 'postgres');
      for (const [id, title] of [t.channels, t.hot, t.resume])
        if (ctx.wants(id)) results.push(leftOut(id, title, noPostgres));
      if (ctx.wants(...phaseIds(sizes, 'pglite', true)))
        await enginePhase(ctx, 'pglite', undefined, true, results);
    }
    const two = ['two-instances', 'two instances through Redis'] as const;
    if (ctx.wants(two[0]))
      results.push(
        databaseUrl && ctx.redisUrl
          ? await runScenario(two[0], two[1], () => twoInstances(ctx, databaseUrl, first))
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
