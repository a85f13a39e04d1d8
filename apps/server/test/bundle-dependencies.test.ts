// The server's bundle compiles the workspace packages in and leaves their dependencies as
// imports (tsup.config.ts), which resolve from this package: so each of them must be listed here
// too, or the built server stops at start with ERR_MODULE_NOT_FOUND.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dependenciesOf = (path: string): string[] =>
  Object.keys(
    (
      JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as {
        dependencies?: Record<string, string>;
      }
    ).dependencies ?? {},
  );

describe('the server bundle', () => {
  it('lists every runtime dependency of the workspace packages it compiles in', () => {
    const own = new Set(dependenciesOf('../package.json'));
    const bundled = ['../../../packages/api/package.json', '../../../packages/db/package.json']
      .flatMap(dependenciesOf)
      .filter((name) => !name.startsWith('@chat/'));
    expect(bundled.filter((name) => !own.has(name))).toEqual([]);
  });
});
