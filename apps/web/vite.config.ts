import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `pnpm dev` here, with the server running on :3000 (`pnpm --filter @chat/server dev`).
const server = 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': server,
      '/trpc': { target: server, ws: true },
      '/ws': { target: server, ws: true },
    },
  },
});
