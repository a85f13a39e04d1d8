// Starts the server: reads .env and the configuration, opens the stores, listens, stops cleanly
// on signals. Everything it says goes through one pino logger.
import { fileCleanupService } from '@chat/api/server';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, loadEnvFile } from './env.js';
import { createLogger, type Logger } from './logger.js';
import { createRuntime, type Runtime } from './runtime.js';

/** At the default level until the configuration names one. */
let log: Logger = createLogger();

async function main() {
  const envFile = loadEnvFile();
  const config = loadConfig();
  log = createLogger(config.logLevel);
  if (envFile) log.info({ file: envFile }, 'read .env');
  const runtime = await createRuntime(config, {
    log: (message, error) => log.error({ err: error }, message),
  });
  const app = await buildApp({ config, runtime, loggerInstance: log }).catch(
    async (error: unknown) => {
      await closeAfterFailedStart(runtime);
      throw error;
    },
  );

  // bytes no file reaches any more (see file-cleanup.ts); every instance sweeps, safely
  const fileSweep = fileCleanupService.startFileSweep(runtime.deps, {
    intervalMs: 60 * 60 * 1000,
    onError: (error) => log.warn({ err: error }, 'sweeping unreachable files failed'),
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error('shutdown took longer than 10 s: exiting anyway');
      process.exit(1);
    }, 10_000).unref();
    fileSweep.stop();
    try {
      await app.close();
      await runtime.close();
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const address = await app
    .listen({ port: config.port, host: config.host })
    .catch(async (error: unknown) => {
      await app.close().catch(() => {});
      await closeAfterFailedStart(runtime);
      throw error;
    });
  const mode =
    runtime.database.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL';
  // The line meant for people (and the process tests): where the server answers. It is printed
  // at any level short of silent, so LOG_LEVEL=warn still says where to point the browser.
  const announce = log.level === 'silent' ? log : log.child({}, { level: 'info' });
  announce.info(`Chat server listening on ${address} (${mode})`);
}

/** A start that fails (a taken port, say) still closes the database and frees the data folder. */
async function closeAfterFailedStart(runtime: Runtime) {
  await runtime.close().catch(() => {});
}

/** Refusals at start whose message says it all. */
const expectedErrors = new Set(['DataDirLockedError', 'UndeclaredPoolerError']);

main().catch((error: unknown) => {
  // what the operator has to fix is said in the message; anything else keeps its stack
  if (error instanceof ConfigError || (error instanceof Error && expectedErrors.has(error.name))) {
    log.fatal(error.message);
  } else {
    log.fatal({ err: error }, 'the server could not start');
  }
  process.exit(1);
});
