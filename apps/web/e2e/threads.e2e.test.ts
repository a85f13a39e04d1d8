// Threads in the web client end to end: one person replies in a thread from a message's
// "Reply in thread", the other sees the count under the root and the replies live in the
// thread pane, and the channel's own list keeps showing top-level messages only.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, startServer, type StartedServer } from '@chat/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';

const builtClient = new URL('../dist/index.html', import.meta.url);
const password = 'correct horse battery staple';

const messagePane = (page: Page) => page.getByRole('region', { name: 'Messages' });
const threadPane = (page: Page) => page.getByRole('complementary', { name: 'Thread' });
const replyBox = (page: Page) => threadPane(page).getByRole('textbox', { name: 'Reply' });

async function signIn(page: Page, username: string) {
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('threads in the web client, on the built server', () => {
  let server: StartedServer | undefined;
  let dataDir: string | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  const openPage = async () => {
    if (!server || !browser) throw new Error('beforeAll did not finish');
    const context = await browser.newContext({ viewport: { width: 1300, height: 760 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(server.url);
    return page;
  };

  const register = async (username: string) => {
    if (!server) throw new Error('no server');
    const response = await request<{ user: { id: string }; accessToken: string }>(
      server.url,
      'POST',
      '/api/auth/register',
      { body: { username, email: `${username}@example.com`, password } },
    );
    expect(response.status).toBe(201);
    return response.body;
  };

  beforeAll(async () => {
    if (!existsSync(builtClient))
      throw new Error('apps/web/dist is missing: build the web client first');
    dataDir = await mkdtemp(join(tmpdir(), 'chat-e2e-threads-'));
    [server, browser] = await Promise.all([
      // a loaded machine takes a while to start the embedded database
      startServer({ env: { DATA_DIR: dataDir }, timeoutMs: 50_000 }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
    await server?.process.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('replies in a thread, and the other person sees the thread grow live', async () => {
    if (!server) throw new Error('no server');
    const question = 'Which logo do we ship on Friday?';
    const answer = 'The round one, it reads better small.';
    const followUp = 'Agreed, round it is.';

    const ada = await register('ada');
    const ben = await register('ben');
    const created = await request<{ channel: { id: string } }>(
      server.url,
      'POST',
      '/api/channels',
      {
        token: ada.accessToken,
        body: { name: 'design', memberIds: [ben.user.id] },
      },
    );
    expect(created.status).toBe(201);
    const posted = await request(
      server.url,
      'POST',
      `/api/channels/${created.body.channel.id}/messages`,
      {
        token: ada.accessToken,
        body: { content: question },
      },
    );
    expect(posted.status).toBe(201);

    const adaPage = await openPage();
    const benPage = await openPage();
    await Promise.all([signIn(adaPage, 'ada'), signIn(benPage, 'ben')]);
    for (const page of [adaPage, benPage]) {
      await page.getByRole('link', { name: /design/ }).click();
      await messagePane(page).getByText(question).waitFor();
    }

    // Ben opens the thread from the message's "Reply in thread" and answers there
    await messagePane(benPage).getByText(question).hover();
    await messagePane(benPage).getByRole('button', { name: 'Reply in thread' }).click();
    await threadPane(benPage).getByText(question).waitFor();
    await replyBox(benPage).fill(answer);
    await replyBox(benPage).press('Enter');
    await threadPane(benPage).getByText(answer).waitFor();
    expect(await replyBox(benPage).inputValue()).toBe('');

    // Ada sees the count under her message live, and the reply only in the thread
    const summary = messagePane(adaPage).getByRole('button', { name: '1 reply' });
    await summary.waitFor();
    expect(await messagePane(adaPage).getByText(answer).count()).toBe(0);
    await summary.click();
    await threadPane(adaPage).getByText(answer).waitFor();

    // with the thread open on both sides, each new reply arrives live
    await replyBox(adaPage).fill(followUp);
    await replyBox(adaPage).press('Enter');
    await threadPane(benPage).getByText(followUp).waitFor();
    await messagePane(benPage)
      .getByRole('button', { name: '2 replies · last reply just now' })
      .waitFor();
    const replies = await threadPane(benPage)
      .getByRole('list', { name: 'Replies' })
      .locator('.message-text')
      .allInnerTexts();
    expect(replies).toEqual([answer, followUp]);
    // the channel's list holds the question alone
    expect(await messagePane(benPage).locator('.message-text').allInnerTexts()).toEqual([question]);

    // after a reload the thread is still there, read from the server
    await adaPage.reload();
    await messagePane(adaPage)
      .getByRole('button', { name: /^2 replies/ })
      .click();
    await threadPane(adaPage).getByText(followUp).waitFor();

    await benPage.screenshot({ path: join(tmpdir(), 'chat-e2e-threads.png') });
  });
});
