// Regression: apps/server/test/multi-instance.test.ts once registered its suite inside a plain
// `if (DATABASE_URL && REDIS_URL)`, so without the services vitest failed the file ("No test
// suite found"), turbo stopped and the web tests never ran. Suites needing a service say so with
// describe.skipIf, which the left-out line then names.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const skipped = new Set(['node_modules', 'dist', '.turbo', '.data', '.git', 'fixture']);

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skipped.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return /\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('test files of the workspace', () => {
  it('register their suites unconditionally (describe.skipIf, not a top-level if)', () => {
    const files = testFiles(repoRoot);
    expect(files.length).toBeGreaterThan(10);
    const conditional = files.filter((file) => /^if \(/m.test(readFileSync(file, 'utf8')));
    expect(conditional.map((file) => file.slice(repoRoot.length))).toEqual([]);
  });
});
