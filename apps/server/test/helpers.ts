// Builds the real app on a fresh test database, for app.inject() and real-socket tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testJwtSecret, uniqueName } from '@chat/api/testing';
import { createTestDatabase, type DatabaseKind } from '@chat/db/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../src/app.js';
import { loadConfig } from '../src/env.js';
import { createRuntime, type Runtime } from '../src/runtime.js';

export { testDatabaseKinds } from '@chat/db/testing';

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  close(): Promise<void>;
}

export async function buildTestApp(
  kind: DatabaseKind,
  options: Pick<AppOptions, 'authRateLimits'> = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-test-'));
  const database = await createTestDatabase(kind);
  const config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: testJwtSecret, LOG_LEVEL: 'silent' });
  const runtime = await createRuntime(config, { database });
  const app = await buildApp({
    config,
    runtime,
    logger: false,
    authRateLimits: { perIp: 10_000, perUsername: 10_000, ...options.authRateLimits },
  });
  await app.ready();
  return {
    app,
    runtime,
    close: async () => {
      await app.close();
      await runtime.close();
      await database.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RegisteredUser {
  id: string;
  username: string;
  accessToken: string;
  refreshToken: string;
  auth: { authorization: string };
}

/** Registers a user through the REST route and returns its tokens. */
export async function registerUser(app: FastifyInstance, username = uniqueName()): Promise<RegisteredUser> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { username, email: `${username}@example.test`, password: 'correct horse battery' },
  });
  if (response.statusCode !== 201) throw new Error(`register failed: ${response.body}`);
  const body = response.json<{ user: { id: string }; accessToken: string; refreshToken: string }>();
  return {
    id: body.user.id,
    username,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    auth: { authorization: `Bearer ${body.accessToken}` },
  };
}
