// Threads in the web client end to end: one person replies in a thread from a message's
// "Reply in thread", the other sees the count under the root and the replies live in the
// thread pane, and the channel's own list keeps showing top-level messages only. A search hit
// on a reply opens the channel at the thread's root and the thread pane at that reply.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useTeam } from './team';

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

describe('threads in the web client, on the built server', () => {
  const team = useTeam({
    // the search test posts a long thread and history through the API, faster than a person
    env: { WRITE_RATE_LIMIT: '1000/2' },
    // a loaded machine takes a while to start the embedded database
    timeoutMs: 50_000,
    viewport: { width: 1300, height: 760 },
  });

  it('replies in a thread, and the other person sees the thread grow live', async () => {
    const { api, openAs, register } = team();
    const question = 'Which logo do we ship on Friday?';
    const answer = 'The round one, it reads better small.';
    const followUp = 'Agreed, round it is.';

    await register('ada');
    const ben = await register('ben');
    const created = await api<{ channel: { id: string } }>('ada', 'POST', '/api/channels', {
      name: 'design',
      memberIds: [ben.id],
    });
    expect(created.status).toBe(201);
    const posted = await api('ada', 'POST', `/api/channels/${created.body.channel.id}/messages`, {
      content: question,
    });
    expect(posted.status).toBe(201);

    const [adaPage, benPage] = await Promise.all([openAs('ada'), openAs('ben')]);
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
    const { api, openAs, register } = team();
    const rootText = 'Roadmap for the spring release';
    const needle = 'The quokka milestone slips a week';
    await register('cam');
    const dee = await register('dee');
    const created = await api<{ channel: { id: string } }>('cam', 'POST', '/api/channels', {
      name: 'roadmap',
      memberIds: [dee.id],
    });
    const channelPath = `/api/channels/${created.body.channel.id}/messages`;
    const post = async (user: string, content: string, parentId?: string) => {
      const posted = await api<{ message: { id: string; seq: number } }>(
        user,
        'POST',
        channelPath,
        parentId ? { content, parentId } : { content },
      );
      expect(posted.status).toBe(201);
      return posted.body.message;
    };
    const root = await post('cam', rootText);
    // the reply lies on the thread's second page (100 a page), well above its newest replies
    for (let i = 1; i <= 130; i++)
      await post(i % 2 ? 'cam' : 'dee', i === 105 ? needle : `Reply number ${i}`, root.id);
    // and the root lies above the channel's first page (50 top-level messages)
    let latest = root;
    for (let i = 1; i <= 60; i++) latest = await post('cam', `Later news ${i}`);
    // dee has read it all: the channel opens at its newest message, not at a first unread
    const read = await api('dee', 'POST', `/api/channels/${created.body.channel.id}/read`, {
      seq: latest.seq,
    });
    expect(read.status).toBe(200);

    const page = await openAs('dee');
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
