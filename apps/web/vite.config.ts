import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv } from 'vite';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

// `pnpm dev`: the server on PORT (3000) and this on WEB_PORT (5173), proxying to the server. Both
// come from the environment or the repository's .env, as the server reads them.
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, repoRoot, '');
  const server = `http://127.0.0.1:${env.PORT || 3000}`;
  return {
    plugins: [react()],
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
