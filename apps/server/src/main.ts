// Starts the server: reads the configuration, opens the stores, listens, stops cleanly on signals.
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './env.js';
import { createRuntime } from './runtime.js';

async function main() {
  const config = loadConfig();
  const runtime = await createRuntime(config);
  const app = await buildApp({ config, runtime });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await app.close();
      await runtime.close();
    } finally {
      clearTimeout(timer);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const address = await app.listen({ port: config.port, host: config.host });
  const mode = runtime.database.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL';
  app.log.info(`serving on ${address} (${mode})`);
  console.log(`Chat server listening on ${address}`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || (error instanceof Error && error.name === 'DataDirLockedError')) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
