// The web client end to end: the built server and client, two people in two browser contexts,
// asserting what each of them sees on the page.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { password, useTeam } from './team';

function messagePane(page: Page) {
  return page.getByRole('region', { name: 'Messages' });
}

function composer(page: Page) {
  return page.getByRole('textbox', { name: 'Message' });
}

async function signUp(page: Page, username: string) {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

describe('the web client, on the built server', () => {
  // embedded database in a fresh folder, as `pnpm start` runs it
  const team = useTeam({ viewport: { width: 1100, height: 700 } });

  it('lets two people chat live in a channel, and keeps the history', async () => {
    const { openPage, register, signIn } = team();
    const hello = 'Hello Ben, the launch moves to Friday.';
    const reply = 'Friday works, I will tell the team.';

    // Ada registers through the form and lands on the empty chat
    const ada = await openPage();
    await signUp(ada, 'ada');
    await ada.getByRole('heading', { name: 'No channel yet' }).waitFor();

    // Ben has an account already (made over REST)
    await register('ben');

    // Ada creates a public channel and writes in it: Enter sends
    await ada.getByRole('button', { name: 'Create a channel' }).click();
    await ada.getByLabel('Name').fill('launch-plans');
    await ada.getByRole('button', { name: 'Create', exact: true }).click();
    await ada.getByRole('heading', { name: /launch-plans/ }).waitFor();
    await messagePane(ada).getByText('No messages yet. Say hello!').waitFor();
    await composer(ada).fill(hello);
    await composer(ada).press('Enter');
    await messagePane(ada).getByText(hello).waitFor();
    expect(await composer(ada).inputValue()).toBe('');

    // Ben signs in through the form, finds the channel, reads Ada's message and joins
    const ben = await openPage();
    await signIn(ben, 'ben');
    await ben.getByRole('navigation', { name: 'Channels' }).getByText('More channels').waitFor();
    await ben.getByRole('link', { name: /launch-plans/ }).click();
    await messagePane(ben).getByText(hello).waitFor();
    await ben.getByRole('button', { name: 'Join channel' }).click();

    // Ada sees Ben typing, then his reply arrives without a reload, and the indicator goes
    await composer(ben).pressSequentially(reply, { delay: 5 });
    await ada.getByText('ben is typing…').waitFor();
    await composer(ben).press('Enter');
    await messagePane(ben).getByText(reply).waitFor();
    await messagePane(ada).getByText(reply).waitFor();
    await ada.getByText('ben is typing…').waitFor({ state: 'hidden' });

    // After a reload Ada is still signed in and both messages are there, in order
    await ada.reload();
    await messagePane(ada).getByText(reply).waitFor();
    const texts = await messagePane(ada).locator('.message-text').allInnerTexts();
    expect(texts).toEqual([hello, reply]);
    expect(await messagePane(ada).getByText('sending…').count()).toBe(0);

    await ada.screenshot({ path: join(tmpdir(), 'chat-e2e.png') });
  });
});
