// Builds the real app on a fresh test database, for app.inject() and real-socket tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel, Message, User } from '@chat/api';
import { testJwtSecret, uniqueName } from '@chat/api/testing';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '@chat/db/testing';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildApp, type AppOptions } from '../src/app.js';
import { loadConfig, type Config } from '../src/env.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../src/runtime.js';

export { testDatabaseKinds } from '@chat/db/testing';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  runtime: Runtime;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions extends Pick<
  AppOptions,
  'authRateLimits' | 'wsLimits' | 'logger' | 'webhookRateLimit' | 'writeLimit'
> {
  /** Realtime hub timings (gap wait, typing expiry). */
  realtime?: RuntimeOptions['realtime'];
  /** A folder to serve as the built web client (by default the repository's, if built). */
  webDist?: string;
  /** More settings, as environment variables (REDIS_URL, TRUST_PROXY, METRICS_TOKEN…). */
  env?: Record<string, string>;
  /** Another instance's database: several instances on one (it is not dropped on close). */
  database?: TestDatabase;
}

export async function buildTestApp(
  kind: DatabaseKind,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-test-'));
  const database = options.database ?? (await createTestDatabase(kind));
  const loaded = loadConfig({
    DATA_DIR: dataDir,
    JWT_SECRET: testJwtSecret,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const config = options.webDist ? { ...loaded, webDist: options.webDist } : loaded;
  const runtime = await createRuntime(config, { database, realtime: options.realtime });
  const app = await buildApp({
    config,
    runtime,
    logger: options.logger ?? false,
    authRateLimits: { perIp: 10_000, perUsername: 10_000, ...options.authRateLimits },
    wsLimits: options.wsLimits,
    webhookRateLimit: options.webhookRateLimit,
    // Tests write faster than any person: only the tests of the limit get the real one.
    writeLimit: { points: 100_000, ...options.writeLimit },
  });
  await app.ready();
  return {
    app,
    config,
    runtime,
    database,
    close: async () => {
      await app.close();
      await runtime.close();
      if (!options.database) await database.dispose();
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
export async function registerUser(
  app: FastifyInstance,
  username = uniqueName(),
): Promise<RegisteredUser> {
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

/** A request body as `app.inject()` takes it: JSON for objects. */
export type Payload = InjectOptions['payload'];

/** API.md's time format: ISO 8601 with milliseconds and `Z`. */
export const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The exact keys of API.md's objects, sorted, for `Object.keys(x).sort()`. */
export const userKeys = [
  'avatarUrl',
  'createdAt',
  'displayName',
  'id',
  'lastSeen',
  'status',
  'username',
];
export const ownUserKeys = [...userKeys, 'email'].sort();
export const channelKeys = [
  'createdAt',
  'createdBy',
  'id',
  'isMember',
  'isPrivate',
  'kind',
  'lastSeq',
  'memberCount',
  'name',
  'topic',
];
export const memberChannelKeys = [
  ...channelKeys,
  'lastReadSeq',
  'mentionCount',
  'muted',
  'unreadCount',
].sort();
export const messageKeys = [
  'attachments',
  'channelId',
  'clientMsgId',
  'content',
  'createdAt',
  'deleted',
  'editedAt',
  'iconUrl',
  'id',
  'lastReplyAt',
  'parentId',
  'pinnedAt',
  'reactions',
  'reactionsVersion',
  'replyCount',
  'replyUserIds',
  'seq',
  'userId',
  'username',
  'webhookId',
];

export interface ErrorResponseBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

/**
 * Asserts API.md's error body with the matching status: `{ error: { code, message, issues? } }`,
 * with `issues` only on validation errors. Returns the body for further checks.
 */
export function expectError(
  response: LightMyRequestResponse,
  status: number,
  code: string,
): ErrorResponseBody {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json<ErrorResponseBody>();
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  const keys = Object.keys(body.error).sort();
  expect(keys).toEqual(body.error.issues ? ['code', 'issues', 'message'] : ['code', 'message']);
  for (const issue of body.error.issues ?? []) {
    expect(Object.keys(issue).sort()).toEqual(['message', 'path']);
    expect(typeof issue.path).toBe('string');
    expect(typeof issue.message).toBe('string');
  }
  return body;
}

/** A validation failure: 400 BAD_REQUEST with an issue at each of `paths`. */
export function expectValidationError(
  response: LightMyRequestResponse,
  ...paths: string[]
): ErrorResponseBody {
  const body = expectError(response, 400, 'BAD_REQUEST');
  expect(body.error.issues?.length).toBeGreaterThan(0);
  const issuePaths = (body.error.issues ?? []).map((issue) => issue.path);
  for (const path of paths) expect(issuePaths).toContain(path);
  return body;
}

// The JSON bodies are the API's own objects (their times are already ISO strings).
export type ChannelBody = Channel;
export type MessageBody = Message;
export type UserBody = User & { email?: string };

/** Creates a channel through the REST route as `owner`. */
export async function createChannel(
  app: FastifyInstance,
  owner: RegisteredUser,
  body: { name?: string; isPrivate?: boolean; memberIds?: string[] } = {},
): Promise<ChannelBody> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/channels',
    headers: owner.auth,
    payload: { name: uniqueName('channel'), ...body },
  });
  if (response.statusCode !== 201) throw new Error(`create channel failed: ${response.body}`);
  return response.json<{ channel: ChannelBody }>().channel;
}

/** Posts a message through the REST route as `author`. */
export async function sendMessage(
  app: FastifyInstance,
  author: RegisteredUser,
  channelId: string,
  content = 'hello',
  clientMsgId?: string,
): Promise<MessageBody> {
  const response = await app.inject({
    method: 'POST',
    url: `/api/channels/${channelId}/messages`,
    headers: author.auth,
    payload: clientMsgId === undefined ? { content } : { content, clientMsgId },
  });
  if (response.statusCode !== 201) throw new Error(`send failed: ${response.body}`);
  return response.json<{ message: MessageBody }>().message;
}
