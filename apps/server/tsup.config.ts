import { defineConfig } from 'tsup';

// One bundle for the server: the workspace packages (TypeScript sources) are compiled in,
// everything from node_modules stays an import. So the runtime dependencies of @chat/api and
// @chat/db are listed in this package's dependencies too, where the bundle can resolve them.
export default defineConfig({
  entry: {
    main: 'src/main.ts',
    'admin/cli': 'src/admin/cli.ts',
    // the embedded database's thread, which @chat/db starts from the file beside its own code
    'pglite-worker': '../../packages/db/src/pglite-worker.js',
  },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  skipNodeModulesBundle: true,
  noExternal: [/^@chat\//],
});
