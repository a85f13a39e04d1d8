// The web client as a team of three uses it, on the built server and client: a lost
// connection and the outbox, people and channels, group DMs, read receipts and profiles.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request, startServer, type StartedServer } from '@chat/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';

const password = 'correct horse battery staple';
/** Screenshots for people to look at (ignored by git). */
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const jwtSecret = 'e2e-secret-that-survives-a-restart-0123456789';

const pane = (page: Page) => page.getByRole('region', { name: 'Messages' });
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });

async function signIn(page: Page, username: string) {
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Edit profile' }).waitFor();
}

async function send(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

describe('the web client for a team', () => {
  let server: StartedServer | undefined;
  let dataDir = '';
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const tokens = new Map<string, string>();

  const start = async (port?: number) => {
    server = await startServer({
      env: {
        DATA_DIR: dataDir,
        JWT_SECRET: jwtSecret,
        ...(port ? { PORT: String(port) } : {}),
      },
      // the embedded database takes a while to open on a loaded machine
      timeoutMs: 120_000,
    });
    return server;
  };
  const api = async (user: string, method: string, path: string, body?: object) => {
    if (!server) throw new Error('no server');
    return request(server.url, method, path, { body, token: tokens.get(user) });
  };
  const openAs = async (username: string) => {
    if (!server || !browser) throw new Error('beforeAll did not finish');
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(server.url);
    await signIn(page, username);
    return page;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chat-e2e-client-'));
    await mkdir(screenshots, { recursive: true });
    [, browser] = await Promise.all([start(), launchBrowser()]);
    for (const username of ['ada', 'ben', 'cam']) {
      const registered = await api(username, 'POST', '/api/auth/register', {
        username,
        email: `${username}@example.com`,
        password,
      });
      expect(registered.status).toBe(201);
      tokens.set(username, (registered.body as { accessToken: string }).accessToken);
    }
  }, 300_000);

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
    await server?.process.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows a lost connection at once, and sends what was written meanwhile once, in order', async () => {
    const ada = await openAs('ada');
    await ada.getByRole('button', { name: 'Create a channel' }).click();
    await ada.getByLabel('Name').fill('ops');
    await ada.getByRole('button', { name: 'Create', exact: true }).click();
    await ada.getByRole('heading', { name: /ops/ }).waitFor();
    const channelId = decodeURIComponent(ada.url().split('/channels/')[1] ?? '');
    expect((await api('ben', 'POST', `/api/channels/${channelId}/members`, {})).status).toBe(200);
    const ben = await openAs('ben');
    await ben.getByRole('link', { name: /ops/ }).click();
    await pane(ben).getByText('No messages yet. Say hello!').waitFor();

    const details = ada.getByRole('complementary', { name: 'Channel details' });
    await ada.getByRole('button', { name: 'Members' }).click();
    await details.getByText('Online').first().waitFor();

    // the server goes away: the banner comes within 2 s, presence turns unknown
    if (!server) throw new Error('no server');
    const { port } = server;
    await server.process.stop();
    const stoppedAt = Date.now();
    await ada.getByText(/Reconnecting…/).waitFor({ timeout: 5_000 });
    expect(Date.now() - stoppedAt).toBeLessThan(2_000);
    await ada
      .getByRole('complementary', { name: 'Channel details' })
      .getByText('Status unknown')
      .first()
      .waitFor();
    await ada.screenshot({ path: join(screenshots, 'offline-banner.png') });

    // two messages written while it is down wait in the outbox
    await send(ada, 'First, while the server was down');
    await send(ada, 'Second, also while it was down');
    await pane(ada).getByText('waiting for the connection…').first().waitFor();

    // back: both go out by themselves, once each, in order, and Ben sees them
    await start(port);
    await ada.getByText(/Reconnecting…/).waitFor({ state: 'hidden', timeout: 15_000 });
    await pane(ben).getByText('Second, also while it was down').waitFor({ timeout: 15_000 });
    await pane(ada).getByText('waiting for the connection…').waitFor({ state: 'hidden' });
    const seenByBen = await pane(ben).locator('.message-text').allInnerTexts();
    expect(seenByBen).toEqual([
      'First, while the server was down',
      'Second, also while it was down',
    ]);
    const history = await api('ben', 'GET', `/api/channels/${channelId}/messages`);
    const items = (history.body as { items: { content: string }[] }).items;
    expect(items.map((item) => item.content)).toEqual(seenByBen);
    expect(await pane(ada).locator('.message-text').allInnerTexts()).toEqual(seenByBen);
  }, 300_000);

  it('adds a person to a private channel and lets them leave, with a line for each', async () => {
    const ada = await openAs('ada');
    const ben = await openAs('ben');
    await ada.getByRole('button', { name: 'Create a channel' }).click();
    await ada.getByLabel('Name').fill('secret-plans');
    await ada.getByLabel(/Private/).check();
    await ada.getByRole('button', { name: 'Create', exact: true }).click();
    await ada.getByRole('heading', { name: /secret-plans/ }).waitFor();

    await ada.getByRole('button', { name: 'Members' }).click();
    const details = ada.getByRole('complementary', { name: 'Channel details' });
    await details.getByRole('button', { name: 'Add people' }).click();
    await details.getByLabel('Search people').fill('ben');
    await details.getByRole('button', { name: /@ben/ }).click();
    await details.getByRole('list', { name: 'Members' }).getByText('ben').waitFor();
    await pane(ada).getByText('ben joined the channel.').waitFor();
    await ada.screenshot({ path: join(screenshots, 'channel-details.png') });

    // ben finds it in his sidebar without a reload, and leaves it from its panel
    await ben.getByRole('link', { name: /secret-plans/ }).click();
    await ben.getByRole('button', { name: 'Members' }).click();
    await ben.getByRole('button', { name: 'Leave channel' }).click();
    await ben.getByRole('link', { name: /secret-plans/ }).waitFor({ state: 'detached' });
    await pane(ada).getByText('ben left the channel.').waitFor();
    await details
      .getByRole('list', { name: 'Members' })
      .getByText('ben')
      .waitFor({ state: 'detached' });
  });

  it('starts a group DM of three, shows "Seen by", and new display names live', async () => {
    const ada = await openAs('ada');
    const ben = await openAs('ben');
    const cam = await openAs('cam');

    await ada.getByRole('button', { name: 'New direct message' }).click();
    for (const name of ['ben', 'cam']) {
      await ada.getByLabel('Search people').fill(name);
      await ada.getByRole('button', { name: new RegExp(`@${name}`) }).click();
    }
    await ada.getByRole('button', { name: 'Start group (3 people)' }).click();
    // what is typed before the conversation is open belongs to the channel still on screen
    await ada.getByRole('heading', { name: /ben, cam/ }).waitFor();
    await send(ada, 'Hello you two');
    await pane(ada).getByText('Hello you two').waitFor();

    // both see the conversation; when Ben reads it, Ada sees who has
    await cam.getByRole('link', { name: /ada, ben/ }).waitFor();
    await ben.getByRole('link', { name: /ada, cam/ }).click();
    await ben.bringToFront();
    await pane(ben).getByText('Hello you two').waitFor();
    // Cam may have read first (a user with no channel yet is taken into the first that comes)
    await pane(ada)
      .getByText(/Seen by .*\bben\b/)
      .waitFor({ timeout: 10_000 });
    await ada.screenshot({ path: join(screenshots, 'group-dm-seen-by.png') });
    // after a reload no read event has been heard: the members' read marks still tell
    await ada.reload();
    await pane(ada).getByText('Hello you two').waitFor({ timeout: 30_000 });
    await pane(ada)
      .getByText(/Seen by .*\bben\b/)
      .waitFor({ timeout: 10_000 });

    // Ben names himself; Ada sees the new name on his messages and in the sidebar
    await send(ben, 'Hi Ada');
    await pane(ada).getByText('Hi Ada').waitFor();
    await ben.getByRole('button', { name: 'Edit profile' }).click();
    await ben.getByLabel('Display name').fill('Ben Okafor');
    await ben.getByRole('button', { name: 'Save' }).click();
    await pane(ada).getByText('Ben Okafor').first().waitFor();
    await ada.getByRole('link', { name: /Ben Okafor/ }).waitFor();
    await ada.screenshot({ path: join(screenshots, 'display-names.png') });
  }, 180_000);
});
