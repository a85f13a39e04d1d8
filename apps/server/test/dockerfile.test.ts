// No Docker engine runs where the tests do, so the image is not built here. What can be checked
// without one: every path the Dockerfile copies exists in the repository or is what the build
// writes, the scripts it runs exist, and the runtime stage is what the README promises (non-root,
// a health check on /healthz, DATA_DIR on a volume, listening on all addresses).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const dockerfile = read('Dockerfile');
const lines = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
const stages = lines.filter((line) => line.startsWith('FROM '));
const runtimeStage = lines.slice(lines.indexOf(stages.at(-1) ?? ''));
const instruction = (name: string, within = lines) =>
  within.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1));

/** What the build stage writes (`pnpm build`): the server bundle and the web client. */
const built = new Map([
  ['apps/server/dist', 'apps/server/tsup.config.ts'],
  ['apps/web/dist', 'apps/web/vite.config.ts'],
]);

describe('Dockerfile', () => {
  it('builds on node:20-bookworm-slim with the pnpm of package.json', () => {
    const names: string[] = [];
    for (const stage of stages) {
      const [, image, name] = /^FROM (\S+) AS ([\w-]+)$/.exec(stage) ?? [];
      // each stage starts from the base image or from a stage before it
      expect(image === 'node:20-bookworm-slim' || names.includes(image ?? ''), stage).toBe(true);
      names.push(name ?? '');
    }
    expect(stages.at(-1)).toMatch(/^FROM node:20-bookworm-slim AS /);
    const pkg = JSON.parse(read('package.json')) as {
      packageManager: string;
      scripts: Record<string, string>;
    };
    expect(dockerfile).toContain(`npm install --global ${pkg.packageManager}`);
    expect(pkg.scripts.build).toBeDefined();
    expect(instruction('RUN')).toContain('pnpm build');
    expect(instruction('RUN')).toContain('pnpm install --frozen-lockfile');
    expect(instruction('RUN')).toContain('pnpm install --frozen-lockfile --prod');
  });

  it('copies only paths that exist in the repository or that the build writes', () => {
    const sources = instruction('COPY')
      .filter((args) => args.startsWith('--from='))
      .flatMap((args) => args.split(/\s+/).slice(1, -1))
      .map((source) => source.replace(/^\/app\//, ''));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      const workspace = source.replace(/\/?node_modules$/, '') || '.';
      if (source === 'node_modules') {
        // pnpm's store of every installed package (node_modules/.pnpm) sits at the root
        expect(existsSync(join(root, 'pnpm-workspace.yaml'))).toBe(true);
      } else if (built.has(source)) {
        expect(existsSync(join(root, built.get(source) ?? '')), source).toBe(true);
      } else if (source.endsWith('node_modules')) {
        // pnpm writes node_modules next to every package.json with dependencies
        const manifest = JSON.parse(read(join(workspace, 'package.json'))) as {
          dependencies?: object;
        };
        expect(Object.keys(manifest.dependencies ?? {}).length, source).toBeGreaterThan(0);
      } else {
        expect(existsSync(join(root, source)), source).toBe(true);
      }
    }
    // the server finds its migrations through @chat/db's package.json
    expect(sources).toContain('packages/db/migrations');
    expect(existsSync(join(root, 'packages/db/migrations/meta/_journal.json'))).toBe(true);
  });

  it('starts the bundle that tsup writes', () => {
    expect(read('apps/server/tsup.config.ts')).toMatch(/entry: \{\s*main: 'src\/main\.ts'/);
    expect(read('apps/server/tsup.config.ts')).toMatch(/outDir: 'dist'/);
    expect(instruction('CMD', runtimeStage)).toEqual(['["node", "apps/server/dist/main.js"]']);
  });

  it('runs as a non-root user, keeps DATA_DIR on a volume and checks /healthz', () => {
    const env = instruction('ENV', runtimeStage).join(' ');
    expect(env).toMatch(/HOST=0\.0\.0\.0/);
    const dataDir = /DATA_DIR=(\S+)/.exec(env)?.[1];
    expect(dataDir).toBeDefined();
    expect(instruction('VOLUME', runtimeStage)).toEqual([dataDir]);
    const user = instruction('USER', runtimeStage);
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^(root|0)$/);
    expect(instruction('HEALTHCHECK', runtimeStage).join(' ')).toContain('/healthz');
    expect(read('apps/server/src/health.ts')).toContain("'/healthz'");
  });

  it('.dockerignore leaves out installs and builds but none of the sources', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
    for (const needed of ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'packages', 'apps', 'tooling'])
      expect(ignored, needed).not.toContain(needed);
  });

  it('docker-compose.yml has an app service built here, beside Postgres and Redis', () => {
    const compose = read('docker-compose.yml');
    expect(compose).toMatch(/\n {2}app:\n(?: {4}.*\n)*? {4}build: \.\n/);
    expect(compose).toMatch(/\n {2}postgres:\n/);
    expect(compose).toMatch(/\n {2}redis:\n/);
    // every variable it sets is one the server reads
    const env = read('apps/server/src/env.ts');
    const app = compose.slice(compose.indexOf('\n  app:'), compose.indexOf('\n  postgres:'));
    for (const [, name] of app.matchAll(/\n {6}([A-Z_]+):/g))
      expect(env, name).toContain(`${name}:`);
  });
});
