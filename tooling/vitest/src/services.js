// What the database and realtime suites leave out without PostgreSQL (DATABASE_URL) or Redis
// (REDIS_URL): the `… on %s` suites then run on PGlite / in-process only, and the suites that
// need a real server are skipped.

/** The variables, with the values that reach this machine's own services (as .ci/run sets). */
export const serviceVariables = /** @type {const} */ ({
  DATABASE_URL: { example: 'postgres://postgres@127.0.0.1:5432/postgres', run: 'PostgreSQL' },
  REDIS_URL: { example: 'redis://127.0.0.1:6379', run: 'Redis' },
});

/** @typedef {keyof typeof serviceVariables} ServiceVariable */

/**
 * What is left out, or undefined when every variable in `needs` is set.
 * @param {ServiceVariable[]} needs
 * @param {Record<string, string | undefined>} env
 * @returns {import('./left-out-reporter.js').LeftOut | undefined}
 */
export function servicesLeftOut(needs, env) {
  const unset = needs.filter((name) => !env[name]);
  if (unset.length === 0) return undefined;
  const runs = unset.map((name) => serviceVariables[name].run);
  const assignments = needs.map((name) => `${name}=${serviceVariables[name].example}`);
  return {
    because: `${unset.join(' and ')} ${unset.length === 1 ? 'is' : 'are'} unset`,
    alsoLeftOut: `the ${runs.join(' and ')} run of each "… on %s" suite`,
    howToRun: `${assignments.join(' ')} npx --yes pnpm@10 test`,
  };
}
