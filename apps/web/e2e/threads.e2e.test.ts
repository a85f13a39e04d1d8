// Threads in the web client end to end: one person replies in a thread from a message's
// "Reply in thread", the other sees the count under the root and the replies live in the
// thread pane, and the channel's own list keeps showing top-level messages only. A search hit
// on a reply opens the channel at the thread's root and the thread pane at that reply.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, startServer, type StartedServer } from '@chat/server/testing';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';

const builtClient = new URL('../dist/index.html', import.meta.url);
const password = 'correct horse battery staple';

const messagePane = (page: Page) => page.getByRole('region', { name: 'Messages' });
const threadPane = (page: Page) => page.getByRole('complementary', { name: 'Thread' });
const replyBox = (page: Page) => threadPane(page).getByRole('textbox', { name: 'Reply' });

/** Whether the element shows within its scrolling list (the channel's or the thread's). */
const inView = (locator: Locator) =>
  locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const list = element.closest('.messages')?.getBoundingClientRect();
    return !!list && box.bottom > list.top && box.top < list.bottom;
  });

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
      // the search test posts a long thread and history through the API, faster than a person
      startServer({ env: { DATA_DIR: dataDir, WRITE_RATE_LIMIT: '1000/2' }, timeoutMs: 50_000 }),
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

  it('a search hit on a reply opens the channel at its root and the thread at that reply', async () => {
    if (!server) throw new Error('no server');
    const url = server.url;
    const rootText = 'Roadmap for the spring release';
    const needle = 'The quokka milestone slips a week';
    const cam = await register('cam');
    const dee = await register('dee');
    const created = await request<{ channel: { id: string } }>(url, 'POST', '/api/channels', {
      token: cam.accessToken,
      body: { name: 'roadmap', memberIds: [dee.user.id] },
    });
    const channelPath = `/api/channels/${created.body.channel.id}/messages`;
    const post = async (token: string, content: string, parentId?: string) => {
      const posted = await request<{ message: { id: string; seq: number } }>(
        url,
        'POST',
        channelPath,
        {
          token,
          body: parentId ? { content, parentId } : { content },
        },
      );
      expect(posted.status).toBe(201);
      return posted.body.message;
    };
    const root = await post(cam.accessToken, rootText);
    // the reply lies on the thread's second page (100 a page), well above its newest replies
    for (let i = 1; i <= 130; i++)
      await post(
        i % 2 ? cam.accessToken : dee.accessToken,
        i === 105 ? needle : `Reply number ${i}`,
        root.id,
      );
    // and the root lies above the channel's first page (50 top-level messages)
    let latest = root;
    for (let i = 1; i <= 60; i++) latest = await post(cam.accessToken, `Later news ${i}`);
    // dee has read it all: the channel opens at its newest message, not at a first unread
    const lastSeq = latest.seq;
    const read = await request(url, 'POST', `/api/channels/${created.body.channel.id}/read`, {
      token: dee.accessToken,
      body: { seq: lastSeq },
    });
    expect(read.status).toBe(200);

    const page = await openPage();
    await signIn(page, 'dee');
    await page.getByRole('link', { name: /roadmap/ }).click();
    await messagePane(page).getByText('Later news 60').waitFor();
    expect(await messagePane(page).getByText(rootText).count()).toBe(0);

    await page.keyboard.press('Control+K');
    const searchBox = page.getByRole('searchbox', { name: 'Search' });
    await searchBox.fill('quokka milestone');
    await searchBox.press('Enter');
    const hit = page
      .getByRole('region', { name: 'Search results' })
      .getByRole('button', { name: /quokka/ });
    await hit.click();

    // the thread pane holds the reply, marked and scrolled into its view
    const target = threadPane(page).locator('.message[aria-current="true"]');
    await target.waitFor({ timeout: 30_000 });
    expect(await target.innerText()).toContain(needle);
    await expect.poll(() => inView(target)).toBe(true);
    // the newest replies are out of view: the pane opened at the reply, not at its end
    const newest = threadPane(page).getByText('Reply number 130', { exact: true });
    expect(await inView(newest)).toBe(false);

    // and the channel shows the thread's root
    const rootRow = messagePane(page).getByText(rootText);
    await rootRow.waitFor({ timeout: 30_000 });
    await expect.poll(() => inView(rootRow)).toBe(true);
    await page.screenshot({ path: join(tmpdir(), 'chat-e2e-thread-search.png') });
  });
});
