// Files and search in the web client end to end: one person attaches an image with "Attach file"
// and the other sees its thumbnail load through the signed URL; then one searches (Ctrl+K or
// "/") and a hit opens its channel at that message, even one far back in the history.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useTeam } from './team';

/** A valid 1×1 PNG: enough for the server to sniff image/png and for Chromium to decode. */
const onePixelPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const messagePane = (page: Page) => page.getByRole('region', { name: 'Messages' });
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
const messageRow = (page: Page, text: string) =>
  messagePane(page).locator('.message', { hasText: text });

describe('files and search in the web client, on the built server', () => {
  const team = useTeam({
    // the history set up through REST is more than the default write limit allows at once
    env: { WRITE_RATE_LIMIT: '1000/2' },
    // a loaded machine can take a while to migrate and start
    timeoutMs: 200_000,
    hookTimeoutMs: 240_000,
    viewport: { width: 1300, height: 760 },
  });
  /** A request as `user` that must succeed: its body. */
  const api = async <T>(user: string, method: string, path: string, body?: unknown) => {
    const response = await team().api<T>(user, method, path, body);
    expect(response.status, `${method} ${path}`).toBeLessThan(300);
    return response.body;
  };

  it('one attaches an image, the other sees its preview; a search hit opens its message', async () => {
    const { openAs, register, url: serverUrl } = team();
    await register('ada');
    const ben = await register('ben');
    const createChannel = async (name: string) =>
      (
        await api<{ channel: { id: string } }>('ada', 'POST', '/api/channels', {
          name,
          memberIds: [ben.id],
        })
      ).channel.id;
    await createChannel('mockups');
    const archive = await createChannel('archive');
    // the message to find lies far back: more than a page of history was said after it
    const needle = 'The zebra crossing on the poster needs more contrast';
    for (let i = 1; i <= 5; i++) {
      await api('ada', 'POST', `/api/channels/${archive}/messages`, {
        content: `early note number ${i}`,
      });
    }
    await api('ada', 'POST', `/api/channels/${archive}/messages`, { content: needle });
    for (let i = 1; i <= 70; i++) {
      await api('ada', 'POST', `/api/channels/${archive}/messages`, {
        content: `status update number ${i}`,
      });
    }

    const [adaPage, benPage] = await Promise.all([openAs('ada'), openAs('ben')]);
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
    const url = new URL((await thumbnail.getAttribute('src')) ?? '', serverUrl);
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
