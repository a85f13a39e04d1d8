// The embedded database's own thread: PGlite runs here, so a long query never holds up the
// server's event loop. It answers the statements `pglite-thread.ts` sends, in the order they
// came (PGlite's mutex keeps them one at a time). Plain JavaScript, so that Node runs it as it
// is from the sources and from the server's bundle alike.
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';

// PGlite is 9 MB of WebAssembly. V8's optimising tier would compile its hot half again, which
// costs 50–60 MiB of resident memory and seconds of CPU at start, for no query speed we could
// measure here: its baseline compiler alone does. Set before PGlite compiles (the flag is the
// process's; nothing else in the server is WebAssembly).
setFlagsFromString('--liftoff-only');
const { PGlite, types } = await import('@electric-sql/pglite');

/** @typedef {{ id: number, sql: string, params?: unknown[], rowMode?: 'array' | 'object' }} Request */

const asText = (/** @type {string} */ value) => value;
/**
 * Dates, times and intervals stay the text Postgres wrote (what Drizzle's PGlite driver asks
 * for on every query): the services turn them into API.md's format themselves.
 */
const parsers = {
  [types.TIMESTAMP]: asText,
  [types.TIMESTAMPTZ]: asText,
  [types.INTERVAL]: asText,
  [types.DATE]: asText,
  1231: asText, // numeric[]
  1115: asText, // timestamp[]
  1185: asText, // timestamptz[]
  1187: asText, // interval[]
  1182: asText, // date[]
};

/**
 * An error as plain fields that can cross to the other thread: the SQLSTATE (`code`),
 * constraint, table… (not the query's parameters and options it also carries).
 * @param {unknown} error
 */
function describe(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  /** @type {Record<string, string | number | boolean>} */
  const fields = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(
    /** @type {Record<string, unknown>} */ ({ ...error }),
  )) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      fields[key] = value;
  }
  return fields;
}

const port = parentPort;
if (!port) throw new Error('pglite-worker.js runs as a worker thread');

/** @type {{ dataDir?: string, startParams: string[] }} */
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- what pglite-thread.ts sends
const options = workerData;
try {
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    startParams: options.startParams,
  });
  port.on('message', (/** @type {Request | 'close'} */ request) => {
    if (request === 'close') {
      db.close().then(
        () => port.postMessage('closed'),
        (error) => port.postMessage({ closeError: describe(error) }),
      );
      return;
    }
    const { id, sql, params, rowMode } = request;
    const answer = (/** @type {object} */ reply) => {
      try {
        port.postMessage(reply);
      } catch (error) {
        port.postMessage({ id, error: describe(error) }); // a value that cannot cross threads
      }
    };
    db.query(sql, params, { rowMode: rowMode ?? 'object', parsers }).then(
      (result) => answer({ id, result }),
      (error) => answer({ id, error: describe(error) }),
    );
  });
  port.postMessage('ready');
} catch (error) {
  port.postMessage({ startError: describe(error) });
}
