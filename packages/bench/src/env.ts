// The one file of the bench that reads process.env: the services it may use, and the
// environment its worker processes inherit.
export const services = {
  /** The machine's Postgres (an admin URL: the bench creates and drops its own databases). */
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  /** Node flags for our server's processes only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  serverNodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean),
};

export const childEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  ...process.env,
  ...extra,
});
