// The set-up every browser test shares: the built server and client on a fresh embedded database,
// the system's Chromium, people registered through the API, and pages signed in as them.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, startServer, type Reply, type StartedServer } from '@chat/server/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser } from './browser';

/** The server serves the client from here; turbo builds it before the tests. */
const builtClient = new URL('../dist/index.html', import.meta.url);

/** Everyone's password, for the API and the sign-in form alike. */
export const password = 'correct horse battery staple';

export interface Member {
  id: string;
  token: string;
}

export interface TeamOptions {
  /** Registered through the API once the server is up, in this order. */
  users?: string[];
  /** More variables for the server; DATA_DIR is the team's own fresh folder. */
  env?: Record<string, string>;
  /** How long the server may take to start (a loaded machine migrates slowly). */
  timeoutMs?: number;
  viewport?: { width: number; height: number };
}

export interface Team {
  /** The server running now (another one after `restart`). */
  readonly server: StartedServer;
  readonly url: string;
  member: (username: string) => Member;
  register: (username: string) => Promise<Member>;
  /** One request as `user` (with their token; none for someone not registered). */
  api: <T = Record<string, unknown>>(
    user: string | undefined,
    method: string,
    path: string,
    body?: unknown,
  ) => Promise<Reply<T>>;
  /** A page of its own browser context at the client, signed out; `prepare` runs on the context first. */
  openPage: (prepare?: (context: BrowserContext) => Promise<void>) => Promise<Page>;
  signIn: (page: Page, username: string) => Promise<void>;
  openAs: (username: string, prepare?: (context: BrowserContext) => Promise<void>) => Promise<Page>;
  /** Starts the server again on the same port and data, after the test stopped it. */
  restart: () => Promise<StartedServer>;
  /** Closes the contexts, the browser and the server, and removes the data folder. */
  close: () => Promise<void>;
}

/**
 * Starts a team before the suite's tests and closes it after them. The result gives the team
 * inside a test; `hookTimeoutMs` is the limit for the whole start.
 */
export function useTeam(options: TeamOptions & { hookTimeoutMs?: number } = {}): () => Team {
  const { hookTimeoutMs, ...teamOptions } = options;
  let team: Team | undefined;
  beforeAll(async () => {
    team = await startTeam(teamOptions);
  }, hookTimeoutMs);
  afterAll(() => team?.close());
  return () => {
    if (!team) throw new Error('beforeAll did not finish');
    return team;
  };
}

export async function startTeam({
  users = [],
  env = {},
  timeoutMs,
  viewport = { width: 1200, height: 760 },
}: TeamOptions = {}): Promise<Team> {
  if (!existsSync(builtClient))
    throw new Error('apps/web/dist is missing: build the web client first');
  const dataDir = await mkdtemp(join(tmpdir(), 'chat-e2e-'));
  const serverEnv = { ...env, DATA_DIR: dataDir };
  const [started, launched] = await Promise.allSettled([
    startServer({ env: serverEnv, timeoutMs }),
    launchBrowser(),
  ]);
  const contexts: BrowserContext[] = [];
  const members = new Map<string, Member>();
  let server = started.status === 'fulfilled' ? started.value : undefined;

  const close = async () => {
    await Promise.all(contexts.map((context) => context.close()));
    if (launched.status === 'fulfilled') await launched.value.close();
    await server?.process.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  if (started.status === 'rejected') {
    await close();
    throw started.reason;
  }
  if (launched.status === 'rejected') {
    await close();
    throw launched.reason;
  }
  const browser = launched.value;
  const running = () => {
    if (!server) throw new Error('the server is not running');
    return server;
  };

  const team: Team = {
    get server() {
      return running();
    },
    get url() {
      return running().url;
    },
    member: (username) => {
      const member = members.get(username);
      if (!member) throw new Error(`${username} is not registered`);
      return member;
    },
    register: async (username) => {
      const registered = await team.api<{ user: { id: string }; accessToken: string }>(
        undefined,
        'POST',
        '/api/auth/register',
        { username, email: `${username}@example.com`, password },
      );
      expect(registered.status, `registering ${username}`).toBe(201);
      const member = { id: registered.body.user.id, token: registered.body.accessToken };
      members.set(username, member);
      return member;
    },
    api: (user, method, path, body) => {
      const token = user === undefined ? undefined : members.get(user)?.token;
      return request(team.url, method, path, { token, body });
    },
    openPage: async (prepare) => {
      const context = await browser.newContext({ viewport });
      contexts.push(context);
      await prepare?.(context);
      const page = await context.newPage();
      await page.goto(team.url);
      return page;
    },
    signIn: async (page, username) => {
      await page.getByLabel('Username or email').fill(username);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Edit profile' }).waitFor();
    },
    openAs: async (username, prepare) => {
      const page = await team.openPage(prepare);
      await team.signIn(page, username);
      return page;
    },
    restart: async () => {
      // (stopping is a no-op when the test stopped it already, as it does to watch the client)
      const previous = running();
      await previous.process.stop();
      server = await startServer({
        env: { ...serverEnv, PORT: String(previous.port) },
        timeoutMs,
      });
      return server;
    },
    close,
  };

  try {
    for (const username of users) await team.register(username);
  } catch (error) {
    await close();
    throw error;
  }
  return team;
}
