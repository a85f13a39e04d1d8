// `pnpm dev` follows PORT and WEB_PORT: Vite serves on WEB_PORT and proxies to the server on PORT.
import type { ConfigEnv } from 'vite';
import { afterEach, describe, expect, it } from 'vitest';
import viteConfig from '../vite.config.js';

const saved = { PORT: process.env.PORT, WEB_PORT: process.env.WEB_PORT };
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const serve: ConfigEnv = { mode: 'development', command: 'serve' };
const resolve = () => (typeof viteConfig === 'function' ? viteConfig(serve) : viteConfig);

describe('the dev server', () => {
  it('listens on WEB_PORT and proxies /api, /trpc and /ws to the server on PORT', () => {
    process.env.PORT = '4101';
    process.env.WEB_PORT = '4102';
    const { server } = resolve();
    expect(server?.port).toBe(4102);
    expect(server?.proxy).toEqual({
      '/api': 'http://127.0.0.1:4101',
      '/trpc': { target: 'http://127.0.0.1:4101', ws: true },
      '/ws': { target: 'http://127.0.0.1:4101', ws: true },
    });
  });
});
