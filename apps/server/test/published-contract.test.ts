// The contract ships with the code: docs/API.md is in the repository, the OpenAPI document and
// the README point at it, and the README links nothing outside the repository.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The targets of the README's relative Markdown links, without #anchors. */
const relativeLinks = [...readme.matchAll(/\]\(([^)\s]+)\)/g)]
  .map((match) => match[1] ?? '')
  .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'))
  .map((target) => target.split('#')[0] ?? '');

describe('the published contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('pglite');
  });
  afterAll(() => t.close());

  it('is docs/API.md in the repository, specifying REST and /ws', () => {
    const contract = readFileSync(join(repoRoot, 'docs/API.md'), 'utf8');
    expect(contract).toMatch(/POST \/api\/channels\/:id\/messages/);
    expect(contract).toMatch(/\/ws/);
  });

  it('is linked from the README, which links only files of the repository', () => {
    expect(relativeLinks).toContain('docs/API.md');
    for (const target of relativeLinks) {
      const path = resolve(repoRoot, target);
      expect(path.startsWith(repoRoot), `${target} is outside the repository`).toBe(true);
      expect(existsSync(path), `${target} does not exist`).toBe(true);
    }
  });

  it('is named by the OpenAPI description', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      info: { description?: string };
    }>();
    expect(doc.info.description).toContain('docs/API.md');
  });
});
