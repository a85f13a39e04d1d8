// What a developer who is not on TypeScript's side does with the OpenAPI document: lint it with
// Redocly, generate types with openapi-typescript, and call the server with openapi-fetch. The
// generated client must compile under `tsc --strict` without edits and work against the server.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './ws-client.js';

const run = promisify(execFile);
// Each test starts real tools (Redocly, tsc): seconds of CPU, more on a loaded machine.
const slowMachine = 180_000;
const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..');
/** A command of one of this package's devDependencies. */
const binOf = (pkg: string, bin: string) => join(serverDir, 'node_modules', pkg, bin);

// The client that a script author would write from the generated types alone.
const clientSource = `
import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

type Message = components['schemas']['Message'];

export async function registerPostAndPage(baseUrl: string, username: string) {
  const api = createClient<paths>({ baseUrl });
  const registered = await api.POST('/api/auth/register', {
    body: { username, email: username + '@example.test', password: 'correct horse battery' },
  });
  if (!registered.data) throw new Error('register failed: ' + JSON.stringify(registered.error));
  const headers = { authorization: 'Bearer ' + registered.data.accessToken };

  const created = await api.POST('/api/channels', { headers, body: { name: username } });
  if (!created.data) throw new Error('create failed: ' + JSON.stringify(created.error));
  const id: string = created.data.channel.id;

  const sent: Message[] = [];
  for (const content of ['one', 'two', 'three']) {
    const posted = await api.POST('/api/channels/{id}/messages', {
      params: { path: { id } },
      headers,
      body: { content, clientMsgId: username + content },
    });
    if (!posted.data) throw new Error('send failed: ' + JSON.stringify(posted.error));
    sent.push(posted.data.message);
  }

  const newest = await api.GET('/api/channels/{id}/messages', {
    params: { path: { id }, query: { limit: 2 } },
    headers,
  });
  if (!newest.data) throw new Error('history failed');
  const first = newest.data.items[0];
  if (!first) throw new Error('no history');
  const older = await api.GET('/api/channels/{id}/messages', {
    params: { path: { id }, query: { limit: 2, before: first.seq } },
    headers,
  });
  if (!older.data) throw new Error('history failed');

  const refused = await api.POST('/api/channels/{id}/messages', {
    params: { path: { id } },
    headers,
    body: { content: '   ' },
  });
  const refusal = refused.error ? refused.error.error.code : 'accepted';

  return {
    userId: registered.data.user.id,
    sent: sent.map((message) => ({ seq: message.seq, content: message.content })),
    newest: newest.data.items.map((message) => message.content),
    newestHasMore: newest.data.hasMore,
    older: older.data.items.map((message) => message.content),
    refusal,
    refusedStatus: refused.response.status,
  };
}
`;

describe('the OpenAPI document in the tools of other languages', () => {
  let server: TestServer;
  let workDir: string;
  let documentFile: string;
  beforeAll(async () => {
    server = await startTestServer('pglite');
    // Under the package, so that the client resolves openapi-fetch from its node_modules.
    const tmpRoot = join(serverDir, '.tmp');
    mkdirSync(tmpRoot, { recursive: true });
    workDir = mkdtempSync(join(tmpRoot, 'openapi-client-'));
    documentFile = join(workDir, 'openapi.json');
    const response = await fetch(`${server.baseUrl}/api/openapi.json`);
    writeFileSync(documentFile, await response.text());
  }, slowMachine);
  afterAll(async () => {
    await server.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it(
    'passes redocly lint with no errors',
    async () => {
      const result = await run(
        process.execPath,
        [binOf('@redocly/cli', 'bin/cli.js'), 'lint', documentFile, '--format=json'],
        { cwd: workDir, env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_COLOR: '1' } },
      ).catch((error: { stdout?: string; stderr?: string }) => error);
      const report = JSON.parse(result.stdout ?? '{}') as {
        totals?: { errors: number };
        problems?: { ruleId: string; message: string; severity: string }[];
      };
      const errors = (report.problems ?? []).filter((problem) => problem.severity === 'error');
      expect(errors, result.stderr).toEqual([]);
      expect(report.totals?.errors).toBe(0);
    },
    slowMachine,
  );

  it(
    'generates a client that compiles under tsc --strict and registers, posts and pages history',
    async () => {
      const types = astToString(await openapiTS(new URL(`${server.baseUrl}/api/openapi.json`)));
      writeFileSync(join(workDir, 'api.ts'), types);
      writeFileSync(join(workDir, 'client.ts'), clientSource);
      writeFileSync(
        join(workDir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            lib: ['ES2022', 'DOM'],
            types: [],
            skipLibCheck: true,
          },
          files: ['client.ts'],
        }),
      );
      const compiled = await run(
        process.execPath,
        [binOf('typescript', 'bin/tsc'), '-p', workDir],
        {
          cwd: workDir,
        },
      ).catch((error: { stdout?: string }) => error);
      expect(compiled.stdout ?? '').toBe('');

      const client = (await import(pathToFileURL(join(workDir, 'client.ts')).href)) as {
        registerPostAndPage(baseUrl: string, username: string): Promise<Record<string, unknown>>;
      };
      const username = `oa${Date.now().toString(36)}`;
      expect(await client.registerPostAndPage(server.baseUrl, username)).toMatchObject({
        sent: [
          { seq: 1, content: 'one' },
          { seq: 2, content: 'two' },
          { seq: 3, content: 'three' },
        ],
        newest: ['two', 'three'],
        newestHasMore: true,
        older: ['one'],
        refusal: 'BAD_REQUEST',
        refusedStatus: 400,
      });
    },
    slowMachine,
  );
});
