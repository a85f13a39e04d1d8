// Starts the server: reads the configuration, opens the stores, listens, stops cleanly on signals.
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './env.js';
import { createRuntime, type Runtime } from './runtime.js';

async function main() {
  const config = loadConfig();
  const runtime = await createRuntime(config);
  const app = await buildApp({ config, runtime }).catch(async (error: unknown) => {
    await closeAfterFailedStart(runtime);
    throw error;
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
  app.log.info(`serving on ${address} (${mode})`);
  // The line meant for people (and for the process tests): where the server answers.
  console.log(`Chat server listening on ${address}`);
}

/** A start that fails (a taken port, say) still closes the database and frees the data folder. */
async function closeAfterFailedStart(runtime: Runtime) {
  await runtime.close().catch(() => {});
}

main().catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    (error instanceof Error && error.name === 'DataDirLockedError')
  ) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
