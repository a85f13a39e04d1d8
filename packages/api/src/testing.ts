// Fixtures for tests of the services and of every transport built on them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '@chat/db/testing';
import { EventBus } from './realtime/event-bus.js';
import type { ChatEvent } from './realtime/events.js';
import { RealtimeHub } from './realtime/hub.js';
import { InProcessBroker } from './realtime/in-process-broker.js';
import { InMemoryPresence, type PresenceStore } from './realtime/presence.js';
import * as auth from './services/auth.js';
import * as channels from './services/channels.js';
import type { Actor, ServiceDeps } from './services/deps.js';
import * as messages from './services/messages.js';
import { defaultMaxUploadBytes } from './services/files.js';
import { SendBatcher, type SendBatcherOptions } from './services/send-batcher.js';
import { tokenConfig } from './services/tokens.js';
import { DiskStorage } from './storage/disk-storage.js';
import { TypingThrottle } from './services/typing.js';

export { testDatabaseKinds, type DatabaseKind } from '@chat/db/testing';

export const testJwtSecret = 'test-secret-test-secret-test-secret-0123456789';

export interface TestDeps extends ServiceDeps {
  database: TestDatabase;
  /** Every event published so far, in order. */
  published: ChatEvent[];
  /** The full store, so that tests can connect users (`presence.connect(userId, connectionId)`). */
  presence: PresenceStore;
  /** The folder the disk storage of uploads writes to (removed by dispose). */
  filesDir: string;
  dispose(): Promise<void>;
}

export async function createTestDeps(
  kind: DatabaseKind,
  sendOptions: Partial<SendBatcherOptions> = {},
): Promise<TestDeps> {
  const database = await createTestDatabase(kind);
  const broker = new InProcessBroker();
  const bus = new EventBus(broker);
  const published: ChatEvent[] = [];
  const tokens = tokenConfig(testJwtSecret);
  const fileUrls = { secret: tokens.secret, ttlSeconds: 3600 };
  const filesDir = mkdtempSync(join(tmpdir(), 'chat-files-'));
  const events = {
    publish: async (event: ChatEvent) => {
      published.push(event);
      await bus.publish(event);
    },
  };
  const sends = new SendBatcher({
    db: database.db,
    lookup: messages.messagesByIds,
    fileUrls,
    publish: events.publish,
    ...sendOptions,
  });
  return {
    db: database.db,
    tokens,
    events,
    sends,
    presence: new InMemoryPresence(),
    typing: new TypingThrottle(),
    realtime: new RealtimeHub({ db: database.db, broker, fileUrls }, { gapWaitMs: 50 }),
    files: {
      storage: new DiskStorage(filesDir),
      maxUploadBytes: defaultMaxUploadBytes,
      urls: fileUrls,
    },
    filesDir,
    database,
    published,
    dispose: async () => {
      await sends.close();
      await database.dispose();
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A unique name for a test user, valid as a username. */
export const uniqueName = (prefix = 'user') =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface TestUser extends Actor {
  accessToken: string;
  refreshToken: string;
}

export async function createUser(
  deps: ServiceDeps,
  options: { username?: string; password?: string } = {},
): Promise<TestUser> {
  const username = options.username ?? uniqueName();
  const session = await auth.register(deps, {
    username,
    email: `${username}@example.test`,
    password: options.password ?? 'correct horse battery',
  });
  return {
    userId: session.user.id,
    username,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
  };
}

export async function createChannel(
  deps: ServiceDeps,
  owner: Actor,
  options: { name?: string; isPrivate?: boolean; memberIds?: string[] } = {},
) {
  return channels.createChannel(deps, owner, {
    name: options.name ?? uniqueName('channel'),
    isPrivate: options.isPrivate ?? false,
    memberIds: options.memberIds ?? [],
  });
}

/** Posts `count` messages ("message 1", "message 2", …) one after the other; returns them in order. */
export async function postMessages(
  deps: ServiceDeps,
  author: Actor,
  channelId: string,
  count: number,
) {
  const posted = [];
  for (let i = 1; i <= count; i++) {
    const { message } = await messages.sendMessage(deps, author, {
      channelId,
      content: `message ${i}`,
    });
    posted.push(message);
  }
  return posted;
}

/** The events published since `deps.published` had `mark` items. */
export const publishedSince = (deps: TestDeps, mark: number) => deps.published.slice(mark);

/** Queries a search box must survive: BAD_REQUEST at worst, never a server error. */
// The smallest PNG there is: 1×1, transparent.
export const tinyPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export const hostileQueries = [
  '"',
  '""',
  '"unclosed phrase',
  "'",
  '&',
  '|',
  '!',
  '!!',
  '(',
  ')',
  '()',
  ':',
  '*',
  '\\',
  '&|!():*\\',
  'a & | b',
  'zebra:*',
  '!(zebra | ) & ',
  '<->',
  'zebra <-> <2>',
  '-',
  '- -',
  'or',
  'OR OR',
  'from:',
  'in:',
  'before:',
  'after:yesterday',
  'before:2026-02-31',
  'has:',
  'has:cake',
  'from:"quoted"',
  'in:#',
  '%',
  '_',
  "'; drop table messages; --",
  'x'.repeat(500),
  'zebra '.repeat(83),
  '🦓🦓🦓',
  '日本語のテキスト',
  'Ünïcödé façade',
  'ﷺ ‮rtl‬',
  '\u200b\u200b',
  '\uE000 sentinel \uE001',
];
