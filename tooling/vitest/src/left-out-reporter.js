// A vitest reporter for the README's test command on a machine without PostgreSQL, Redis or
// Chromium: the suites that need them are skipped (`describe.skipIf`), and this prints ONE line
// naming what was left out and how to run it, so a green run never hides that it was partial.
// Plain JavaScript (checked by tsc through JSDoc): vitest configs import it untranspiled.

/**
 * @typedef {object} LeftOut
 * @property {string} because Why, e.g. "DATABASE_URL and REDIS_URL are unset".
 * @property {string} [alsoLeftOut] What vitest never registers, e.g. the PostgreSQL run of `each` suites.
 * @property {string} howToRun The command or step that runs everything.
 */

/**
 * Top-level suites the run skipped (a skipIf whose condition held), by name.
 * @param {ReadonlyArray<import('vitest/node').TestModule>} modules
 * @returns {string[]}
 */
export function skippedSuites(modules) {
  return modules.flatMap((module) =>
    [...module.children.suites()]
      .filter((suite) => suite.options.mode === 'skip')
      .map((suite) => suite.name),
  );
}

/**
 * The one line, or undefined when nothing was left out.
 * @param {LeftOut | undefined} leftOut
 * @param {string[]} suites
 * @returns {string | undefined}
 */
export function leftOutLine(leftOut, suites) {
  if (!leftOut && suites.length === 0) return undefined;
  const what = [
    suites.length > 0
      ? `${suites.length} ${suites.length === 1 ? 'suite' : 'suites'} (${suites.map((s) => `"${s}"`).join(', ')})`
      : '',
    leftOut?.alsoLeftOut ?? '',
  ].filter(Boolean);
  const because = leftOut ? ` because ${leftOut.because}` : '';
  const how = leftOut ? `; to run them: ${leftOut.howToRun}` : '';
  return `Left out${because}: ${what.join(' and ') || 'nothing else'}${how}`;
}

/** @typedef {import('vitest/node').Reporter} Reporter */

/** @implements {Reporter} */
export class LeftOutReporter {
  /** @type {import('vitest/node').Vitest | undefined} */
  #vitest;
  /** @type {LeftOut | undefined} */
  #leftOut;

  /** @param {LeftOut | undefined} leftOut what the config already knows it leaves out */
  constructor(leftOut) {
    this.#leftOut = leftOut;
  }

  /** @param {import('vitest/node').Vitest} vitest */
  onInit(vitest) {
    this.#vitest = vitest;
  }

  /** @param {ReadonlyArray<import('vitest/node').TestModule>} modules */
  onTestRunEnd(modules) {
    const line = leftOutLine(this.#leftOut, skippedSuites(modules));
    if (line) this.#vitest?.logger.log(line);
  }
}
