// Files and search in the web client end to end: one person attaches an image with "Attach file"
// and the other sees its thumbnail load through the signed URL; then one searches (Ctrl+K or
// "/") and a hit opens its channel at that message, even one far back in the history.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, startServer, type StartedServer } from '@chat/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';

const password = 'correct horse battery staple';
/** A valid 1×1 PNG: enough for the server to sniff image/png and for Chromium to decode. */
const onePixelPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const messagePane = (page: Page) => page.getByRole('region', { name: 'Messages' });
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
const messageRow = (page: Page, text: string) =>
  messagePane(page).locator('.message', { hasText: text });

async function signIn(page: Page, username: string) {
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('files and search in the web client, on the built server', () => {
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

  const api = async <T>(method: string, path: string, token?: string, body?: unknown) => {
    if (!server) throw new Error('no server');
    const response = await request<T>(server.url, method, path, { token, body });
    expect(response.status, `${method} ${path}`).toBeLessThan(300);
    return response.body;
  };

  const register = (username: string) =>
    api<{ user: { id: string }; accessToken: string }>('POST', '/api/auth/register', undefined, {
      username,
      email: `${username}@example.com`,
      password,
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chat-e2e-files-'));
    [server, browser] = await Promise.all([
      // a loaded machine can take a while to migrate and start
      // the history set up through REST is more than the default write limit allows at once
      startServer({
        env: { DATA_DIR: dataDir, WRITE_RATE_LIMIT: '1000/2' },
        timeoutMs: 200_000,
      }),
      launchBrowser(),
    ]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
    await server?.process.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('one attaches an image, the other sees its preview; a search hit opens its message', async () => {
    const ada = await register('ada');
    const ben = await register('ben');
    const createChannel = async (name: string) =>
      (
        await api<{ channel: { id: string } }>('POST', '/api/channels', ada.accessToken, {
          name,
          memberIds: [ben.user.id],
        })
      ).channel.id;
    await createChannel('mockups');
    const archive = await createChannel('archive');
    // the message to find lies far back: more than a page of history was said after it
    const needle = 'The zebra crossing on the poster needs more contrast';
    for (let i = 1; i <= 5; i++) {
      await api('POST', `/api/channels/${archive}/messages`, ada.accessToken, {
        content: `early note number ${i}`,
      });
    }
    await api('POST', `/api/channels/${archive}/messages`, ada.accessToken, { content: needle });
    for (let i = 1; i <= 70; i++) {
      await api('POST', `/api/channels/${archive}/messages`, ada.accessToken, {
        content: `status update number ${i}`,
      });
    }

    const adaPage = await openPage();
    const benPage = await openPage();
    await Promise.all([signIn(adaPage, 'ada'), signIn(benPage, 'ben')]);
    for (const page of [adaPage, benPage]) {
      await page.getByRole('link', { name: /mockups/ }).click();
      await page.getByRole('heading', { name: /mockups/ }).waitFor();
    }

    // Ada attaches the image through the "Attach file" control and sends it with a caption
    const chooser = adaPage.waitForEvent('filechooser');
    await adaPage.getByRole('button', { name: 'Attach file' }).click();
    await (await chooser).setFiles({ name: 'dot.png', mimeType: 'image/png', buffer: onePixelPng });
    await adaPage.getByRole('list', { name: 'Files to send' }).getByText('dot.png').waitFor();
    await composer(adaPage).fill('The new logo, tiny edition');
    // Send is enabled once the upload has finished
    await adaPage.getByRole('button', { name: 'Send', exact: true }).click();

    // Ben sees the thumbnail, loaded through a signed URL that carries no token
    const thumbnail = messageRow(benPage, 'tiny edition').getByRole('img', { name: 'dot.png' });
    await thumbnail.waitFor();
    await expect
      .poll(
        () => thumbnail.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth),
        { timeout: 20_000 },
      )
      .toBe(1);
    const url = new URL((await thumbnail.getAttribute('src')) ?? '', server?.url);
    expect(url.searchParams.get('sig')).toBeTruthy();
    expect(url.searchParams.get('exp')).toBeTruthy();
    expect(url.search).not.toContain('token');
    await messageRow(benPage, 'tiny edition')
      .getByRole('link', { name: /^dot\.png \(\d+ B\)$/ })
      .waitFor();

    // Ben searches with Ctrl+K (the composer has the focus, so "/" would be typed there)
    await benPage.keyboard.press('Control+K');
    const searchBox = benPage.getByRole('searchbox', { name: 'Search' });
    await expect
      .poll(() => searchBox.evaluate((input) => input === document.activeElement))
      .toBe(true);
    await searchBox.fill('zebras contrast');
    await searchBox.press('Enter');
    const results = benPage.getByRole('region', { name: 'Search results' });
    const hit = results.getByRole('button', { name: /zebra crossing/ });
    await hit.waitFor();
    expect(await hit.locator('mark').first().innerText()).toMatch(/^zebra/i);

    // the hit opens the archive channel at that message, scrolled into view and marked
    await hit.click();
    await benPage.getByRole('heading', { name: /archive/ }).waitFor();
    const target = messagePane(benPage).locator('.message[aria-current="true"]');
    await target.waitFor({ timeout: 30_000 });
    expect(await target.innerText()).toContain(needle);
    await expect.poll(() => target.isVisible()).toBe(true);
    const inView = await target.evaluate((element) => {
      const box = element.getBoundingClientRect();
      return box.bottom > 0 && box.top < window.innerHeight;
    });
    expect(inView).toBe(true);

    // "/" focuses the search box too, when the focus is not in a text field
    await benPage.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await benPage.keyboard.press('/');
    await expect
      .poll(() => searchBox.evaluate((input) => input === document.activeElement))
      .toBe(true);

    await benPage.screenshot({ path: join(tmpdir(), 'chat-e2e-files.png') });
  });
});
