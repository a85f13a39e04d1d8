// Reactions, pins, topics and Markdown in the web client, end to end: two people in two browser
// contexts on the built server and client.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useTeam } from './team';

const messagePane = (page: Page) => page.getByRole('region', { name: 'Messages' });
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
const messageRow = (page: Page, text: string) =>
  messagePane(page).locator('.message-row', { hasText: text });

describe('reactions, pins, topics and Markdown in the web client', () => {
  const team = useTeam({
    users: ['ada', 'ben'],
    // a loaded machine can take a while to migrate and start
    timeoutMs: 200_000,
    hookTimeoutMs: 240_000,
    viewport: { width: 1100, height: 700 },
  });

  it('two people react, pin and set a topic, and see each other do it live', async () => {
    const { openPage, openAs, signIn, url } = team();
    const text = 'Ship **it** on Friday, notes at https://example.com/notes';
    const ada = await openPage();
    const cdnRequests: string[] = [];
    ada.on('request', (r) => {
      if (!r.url().startsWith(url)) cdnRequests.push(r.url());
    });
    await signIn(ada, 'ada');
    await ada.getByRole('button', { name: 'Create a channel' }).click();
    await ada.getByLabel('Name').fill('launch');
    await ada.getByRole('button', { name: 'Create', exact: true }).click();
    await ada.getByRole('heading', { name: /launch/ }).waitFor();
    await composer(ada).fill(text);
    await composer(ada).press('Enter');

    // the message is Markdown: bold, and the bare URL a link to a new tab
    const row = messageRow(ada, 'Ship');
    await row.locator('strong', { hasText: 'it' }).waitFor();
    const link = row.getByRole('link', { name: 'https://example.com/notes' });
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');

    const ben = await openAs('ben');
    await ben.getByRole('link', { name: /launch/ }).click();
    await messageRow(ben, 'Ship').waitFor();
    await ben.getByRole('button', { name: 'Join channel' }).click();
    await composer(ben).waitFor();

    // Ada reacts through the picker (its emoji data comes from our server)
    await row.hover();
    await row.getByRole('button', { name: 'Add reaction' }).click();
    await ada.getByRole('searchbox', { name: 'Search emoji' }).fill('thumbs up');
    // (frimousse also renders a hidden emoji to measure rows: pick the cell of the grid)
    const picker = ada.getByRole('dialog', { name: 'Choose an emoji' });
    await picker
      .locator('[role="row"] button[frimousse-emoji]:visible')
      .first()
      .click({ timeout: 15_000 })
      .catch(async (error: unknown) => {
        await writeFile(join(tmpdir(), 'picker.html'), await picker.innerHTML());
        throw error;
      });
    await row.getByRole('button', { name: /1, reacted by you$/ }).waitFor();

    // Ben sees it live with who reacted, and adds his own by clicking the chip
    const benRow = messageRow(ben, 'Ship');
    const chip = benRow.getByRole('button', { name: /1, reacted by ada$/i });
    await chip.waitFor();
    await chip.click();
    await benRow.getByRole('button', { name: /2, reacted by/ }).waitFor();
    await row.getByRole('button', { name: /2, reacted by you, ben$/i }).waitFor();

    // Ben pins the message; Ada finds it in the pins
    await benRow.hover();
    await benRow.getByRole('button', { name: 'Pin message' }).click();
    await benRow.hover();
    await benRow.getByRole('button', { name: 'Unpin message' }).waitFor();
    await ada.getByRole('button', { name: 'Pinned messages' }).click();
    await ada
      .getByRole('complementary', { name: 'Pinned messages' })
      .getByText('notes at')
      .waitFor();

    // Ben sets the topic; Ada's header shows it without a reload
    await ben.getByRole('button', { name: 'Edit topic' }).click();
    await ben.getByRole('textbox', { name: 'Topic' }).fill('Launch on Friday');
    await ben.getByRole('button', { name: 'Save' }).click();
    await ben.locator('.pane-header').getByText('Launch on Friday').waitFor();
    await ada.locator('.pane-header').getByText('Launch on Friday').waitFor();

    expect(cdnRequests).toEqual([]);
    await ada.screenshot({ path: join(tmpdir(), 'chat-e2e-social.png') });
  }, 120_000);
});
