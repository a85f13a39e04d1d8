import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv, type Plugin } from 'vite';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const require = createRequire(import.meta.url);
const emojibaseFiles = ['data.json', 'messages.json'];

/**
 * The emoji picker's data (emojibase-data, English) served from our own origin at
 * /emojibase/en/…: emitted into the build, and answered by the dev server. No CDN at run time.
 */
function selfHostedEmojibase(): Plugin {
  const read = (file: string) => readFileSync(require.resolve(`emojibase-data/en/${file}`));
  return {
    name: 'self-hosted-emojibase',
    configureServer(server) {
      server.middlewares.use('/emojibase/en', (request, response, next) => {
        const file = request.url?.replace(/^\//, '').split('?')[0] ?? '';
        if (!emojibaseFiles.includes(file)) return next();
        response.setHeader('content-type', 'application/json');
        response.end(read(file));
      });
    },
    generateBundle() {
      for (const file of emojibaseFiles)
        this.emitFile({ type: 'asset', fileName: `emojibase/en/${file}`, source: read(file) });
    },
  };
}

// `pnpm dev`: the server on PORT (3000) and this on WEB_PORT (5173), proxying to the server. Both
// come from the environment or the repository's .env, as the server reads them.
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, repoRoot, '');
  const server = `http://127.0.0.1:${env.PORT || 3000}`;
  return {
    plugins: [react(), selfHostedEmojibase()],
    server: {
      port: Number(env.WEB_PORT || 5173),
      proxy: {
        '/api': server,
        '/trpc': { target: server, ws: true },
        '/ws': { target: server, ws: true },
      },
    },
  };
});
