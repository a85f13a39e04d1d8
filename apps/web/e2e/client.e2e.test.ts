// The web client as a team of three uses it, on the built server and client: a lost
// connection and the outbox, people and channels, group DMs, read receipts and profiles.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTeam } from './team';

/** Screenshots for people to look at (ignored by git). */
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const jwtSecret = 'e2e-secret-that-survives-a-restart-0123456789';

const pane = (page: Page) => page.getByRole('region', { name: 'Messages' });
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });

/** The seqs of the channel's message rows in the page now, top to bottom. */
const renderedSeqs = (page: Page) =>
  pane(page)
    .locator('li.message[data-seq]')
    .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq'))));

/**
 * How far below the top of the list's viewport the row of `seq` sits, in px, once that and the
 * rows in the page stayed the same for 10 frames in a row.
 */
async function settledOffset(page: Page, seq: number) {
  const settled = await page.waitForFunction(
    (wanted) => {
      const w = window as { settle?: { key: string; frames: number } };
      const list = document.querySelector(
        '[aria-label="Messages"] [data-testid="virtuoso-scroller"]',
      );
      const row = list?.querySelector(`li.message[data-seq="${wanted}"]`);
      if (!list || !row) return false;
      const offset = row.getBoundingClientRect().top - list.getBoundingClientRect().top;
      const key = `${offset}/${list.scrollTop}/${list.querySelectorAll('li.message').length}`;
      w.settle = w.settle?.key === key ? { key, frames: w.settle.frames + 1 } : { key, frames: 0 };
      return w.settle.frames >= 10 ? offset : false;
    },
    seq,
    { polling: 'raf', timeout: 30_000 },
  );
  return (await settled.jsonValue()) as number;
}

async function send(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

describe('the web client for a team', () => {
  const team = useTeam({
    users: ['ada', 'ben', 'cam'],
    env: {
      JWT_SECRET: jwtSecret,
      // the history test posts its 300 messages as fast as the server takes them
      WRITE_RATE_LIMIT: '100000/1',
    },
    // the embedded database takes a while to open on a loaded machine
    timeoutMs: 120_000,
    hookTimeoutMs: 300_000,
  });
  const api = (user: string, method: string, path: string, body?: object) =>
    team().api(user, method, path, body);
  const openAs = (username: string) => team().openAs(username);
  /** A public channel `owner` creates through the API, which `member` joins. */
  const channelFor = async (owner: string, name: string, member: string) => {
    const created = await api(owner, 'POST', '/api/channels', { name });
    const channelId = (created.body as { channel: { id: string } }).channel.id;
    expect((await api(member, 'POST', `/api/channels/${channelId}/members`, {})).status).toBe(200);
    return channelId;
  };
  beforeAll(() => mkdir(screenshots, { recursive: true }));

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
    // (a loaded machine can take a while to close the server's connections)
    await team().server.process.stop('SIGTERM', 60_000);
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
    await team().restart();
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

  it('scrolls to the top of a 300-message channel with the keyboard and the scrollbar: every message once, in order', async () => {
    const channelId = await channelFor('ben', 'long-history', 'ada');
    for (let n = 1; n <= 300; n += 1) {
      const sent = await api('ben', 'POST', `/api/channels/${channelId}/messages`, {
        content: `History message ${n}`,
      });
      expect(sent.status).toBe(201);
    }
    // Ada had read up to 260: the channel opens at the "new messages" divider
    const read = await api('ada', 'POST', `/api/channels/${channelId}/read`, { seq: 260 });
    expect(read.status).toBe(200);

    const ada = await openAs('ada');
    await ada.getByRole('link', { name: /long-history/ }).click();
    const divider = pane(ada).getByRole('separator', { name: 'New messages' });
    const jump = ada.getByRole('button', { name: 'Jump to first unread' });
    // it opens there, or (now and then, when Virtuoso's first aim misses) offers the jump
    await divider.or(jump).first().waitFor();
    if (await jump.isVisible()) await jump.click();
    await divider.waitFor();
    await pane(ada).getByText('History message 261', { exact: true }).waitFor();
    await ada.screenshot({ path: join(screenshots, 'channel-unread-divider.png') });

    // End goes to the newest message; the jump brings the first unread back
    const scroller = pane(ada).getByTestId('virtuoso-scroller');
    await pane(ada).getByText('History message 262', { exact: true }).click();
    await ada.keyboard.press('End');
    await pane(ada).getByText('History message 300', { exact: true }).waitFor();
    await divider.waitFor({ state: 'detached' });
    await jump.click();
    await divider.waitFor();
    await pane(ada).getByText('History message 261', { exact: true }).waitFor();

    // to the top, alternately by the keyboard (Home) and by the scrollbar: each older page
    // comes in above without moving the view
    const beginning = pane(ada).getByText('This is the very beginning of the conversation.');
    // (until the top row is the first message: the note above it is in the page, on screen
    // or not, as soon as the last page is held)
    for (let step = 0; ; step += 1) {
      expect(step).toBeLessThan(20);
      // the row at the top as the view reaches the top, noted by the scroll event itself (an
      // older page may land a moment later)
      await scroller.evaluate((list) => {
        const w = window as { topAtTop?: number };
        delete w.topAtTop;
        const note = () => {
          if (list.scrollTop >= 2) return;
          const viewTop = list.getBoundingClientRect().top;
          const first = [...list.querySelectorAll('li.message[data-seq]')].find(
            (row) => row.getBoundingClientRect().bottom > viewTop,
          );
          w.topAtTop = Number(first?.getAttribute('data-seq'));
          list.removeEventListener('scroll', note);
        };
        list.addEventListener('scroll', note);
      });
      if (step % 2 === 0) {
        await scroller.focus();
        await ada.keyboard.press('Home');
      } else {
        // a drag of the scrollbar: a pointer goes down on the list, which scrolls, no wheel
        await scroller.evaluate((element) => {
          element.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
          element.scrollTop = 0;
        });
      }
      // then wait until older rows came in above it (or it is the very first message)
      const topRow = await ada.waitForFunction(
        () => {
          const top = (window as { topAtTop?: number }).topAtTop;
          if (top === undefined) return false;
          if (top === 1) return 1;
          const rows = document.querySelectorAll('[aria-label="Messages"] li.message[data-seq]');
          return [...rows].some((row) => Number(row.getAttribute('data-seq')) < top) ? top : false;
        },
        undefined,
        { polling: 'raf', timeout: 30_000 },
      );
      const seq = (await topRow.jsonValue()) as number;
      if (seq === 1) break;
      await pane(ada).getByText('Loading older messages…').waitFor({ state: 'hidden' });
      // the row that was at the top stays in view near the top: the position was kept (read
      // once the layout has settled: the new rows are measured after they are shown)
      const offset = await settledOffset(ada, seq);
      const where = { step, seq, offset, rows: await renderedSeqs(ada) };
      expect(offset, JSON.stringify(where)).not.toBeNull();
      expect(offset ?? -1, JSON.stringify(where)).toBeGreaterThanOrEqual(-5);
      expect(offset ?? Infinity, JSON.stringify(where)).toBeLessThan(200);
    }
    await beginning.waitFor();
    await ada.screenshot({ path: join(screenshots, 'channel-history-top.png') });

    // down again page by page: the rows are seq 1..300, each once, in order
    const seen: number[] = [];
    for (let step = 0; seen.at(-1) !== 300; step += 1) {
      expect(step).toBeLessThan(200);
      const rows = await renderedSeqs(ada);
      rows.forEach((seq, index) => index > 0 && expect(seq).toBe((rows[index - 1] ?? 0) + 1));
      const last = seen.at(-1) ?? 0;
      expect(rows[0] ?? Infinity).toBeLessThanOrEqual(last + 1);
      seen.push(...rows.filter((seq) => seq > last));
      if (seen.at(-1) === 300) break;
      const next = (seen.at(-1) ?? 0) + 1;
      await scroller.focus();
      await ada.keyboard.press('PageDown');
      await ada.waitForFunction(
        (wanted) =>
          document.querySelector(`[aria-label="Messages"] li.message[data-seq="${wanted}"]`),
        next,
      );
    }
    expect(seen).toEqual(Array.from({ length: 300 }, (_, index) => index + 1));
  }, 300_000);

  it('shows a mute made in one tab in the other at once', async () => {
    await channelFor('ben', 'quiet-room', 'ada');
    const [laptop, phone] = [await openAs('ada'), await openAs('ada')];
    const muteBox = (page: Page, checked: boolean) =>
      page.getByRole('checkbox', { name: /Mute channel/, checked });
    for (const page of [laptop, phone]) {
      await page.getByRole('link', { name: /quiet-room/ }).click();
      await page.getByRole('button', { name: 'Members' }).click();
      await muteBox(page, false).waitFor();
    }
    // (a click, not check(): a channel read that was on its way may answer just after it, and
    // the live event then sets the box again — what counts is where both tabs end)
    await muteBox(laptop, false).click();
    await Promise.all([muteBox(laptop, true).waitFor(), muteBox(phone, true).waitFor()]);
    await muteBox(phone, true).click();
    await Promise.all([muteBox(laptop, false).waitFor(), muteBox(phone, false).waitFor()]);
  });

  it('edits the last message with Up, closes panels with Escape, and shows where focus is', async () => {
    const first = await team().openPage();
    await first.getByRole('button', { name: 'Sign in' }).waitFor();
    await first.screenshot({ path: join(screenshots, 'sign-in.png') });

    const ada = await openAs('ada');
    await ada.getByRole('button', { name: 'Create a channel' }).click();
    await ada.getByLabel('Name').fill('keyboard');
    await ada.screenshot({ path: join(screenshots, 'create-channel-dialog.png') });
    await ada.getByRole('button', { name: 'Create', exact: true }).click();
    await ada.getByRole('heading', { name: /keyboard/ }).waitFor();
    await send(ada, 'Frist try');
    // sent, not only pending (a pending row has no seq yet)
    await pane(ada).locator('li.message[data-seq]', { hasText: 'Frist try' }).waitFor();

    // Up in the empty composer opens the last message's editor; Enter saves
    await composer(ada).press('ArrowUp');
    const editor = pane(ada).getByRole('textbox', { name: 'Edit message' });
    await editor.waitFor();
    expect(await editor.inputValue()).toBe('Frist try');
    expect(await editor.evaluate((element) => element === document.activeElement)).toBe(true);
    await editor.fill('First try');
    await editor.press('Enter');
    await pane(ada).getByText('First try', { exact: true }).waitFor();
    await editor.waitFor({ state: 'detached' });
    // Escape in the editor cancels the edit only
    await composer(ada).press('ArrowUp');
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });

    // Escape closes the panel opened last: the thread, then the channel details
    await ada.getByRole('button', { name: 'Members' }).click();
    const details = ada.getByRole('complementary', { name: 'Channel details' });
    await details.waitFor();
    const row = pane(ada).locator('.message-row', { hasText: 'First try' });
    await row.hover();
    await row.getByRole('button', { name: 'Reply in thread' }).click();
    const thread = ada.getByRole('complementary', { name: 'Thread' });
    await thread.waitFor();
    await ada.screenshot({ path: join(screenshots, 'thread-and-details.png') });
    await ada.keyboard.press('Escape');
    await thread.waitFor({ state: 'detached' });
    expect(await details.isVisible()).toBe(true);
    await ada.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });

    // every control named in the issue is there, and keyboard focus on each is outlined
    await ada.keyboard.press('Tab');
    for (const control of [
      ada.getByRole('combobox', { name: 'Your status' }),
      ada.getByRole('button', { name: 'Members' }),
      ada.getByRole('button', { name: 'Edit profile' }),
      ada.getByRole('button', { name: 'Notifications' }),
      ada.getByRole('button', { name: 'New direct message' }),
    ]) {
      await control.focus();
      const ring = await control.evaluate((element) => {
        const style = getComputedStyle(element);
        return {
          focusVisible: element.matches(':focus-visible'),
          outline: style.outlineStyle,
          width: parseFloat(style.outlineWidth),
        };
      });
      expect(ring).toMatchObject({ focusVisible: true, outline: 'solid' });
      expect(ring.width).toBeGreaterThanOrEqual(2);
    }

    await ada.getByRole('button', { name: 'Edit profile' }).click();
    await ada.getByLabel('Display name').waitFor();
    await ada.screenshot({ path: join(screenshots, 'profile-dialog.png') });
    await ada.keyboard.press('Escape');
    await ada.getByLabel('Display name').waitFor({ state: 'detached' });
    await ada.getByRole('button', { name: 'New direct message' }).click();
    await ada.getByLabel('Search people').waitFor();
    await ada.screenshot({ path: join(screenshots, 'new-dm-dialog.png') });
  }, 180_000);

  it('notifies of a mention, a DM and a reply to the user while the tab is hidden, not of chatter', async () => {
    const channelId = await channelFor('cam', 'alerts', 'ada');
    const root = await api('ada', 'POST', `/api/channels/${channelId}/messages`, {
      content: 'Root by ada',
    });
    const rootId = (root.body as { message: { id: string } }).message.id;

    // the browser's own Notification, with each one it shows noted; and a switch that makes
    // the page report itself hidden, as a tab in the background does
    const ada = await team().openAs('ada', async (context) => {
      await context.grantPermissions(['notifications'], { origin: team().url });
      await context.addInitScript(() => {
        const w = window as unknown as { shown: { title: string; body?: string }[]; hide: boolean };
        w.shown = [];
        w.hide = false;
        const Real = window.Notification;
        window.Notification = new Proxy(Real, {
          construct(target, args: [string, NotificationOptions?]) {
            w.shown.push({ title: args[0], body: args[1]?.body });
            return Reflect.construct<[string, NotificationOptions?], Notification>(target, args);
          },
        });
        Object.defineProperty(document, 'visibilityState', {
          get: () => (w.hide ? 'hidden' : 'visible'),
        });
        document.hasFocus = () => !w.hide;
      });
    });
    await ada.getByRole('link', { name: /alerts/ }).click();
    await pane(ada).getByText('Root by ada').waitFor();
    // the DM exists before its first message, as when someone opens one to write in
    const dm = await api('cam', 'POST', '/api/dms', { userIds: [team().member('ada').id] });
    const dmId = (dm.body as { channel: { id: string } }).channel.id;
    await ada.locator(`a[href$="${dmId}"]`).waitFor();

    await ada.evaluate(() => {
      (window as unknown as { hide: boolean }).hide = true;
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('blur'));
    });
    const post = async (where: string, content: string, parentId?: string) => {
      const sent = await api('cam', 'POST', `/api/channels/${where}/messages`, {
        content,
        ...(parentId ? { parentId } : {}),
      });
      expect(sent.status).toBe(201);
    };
    await post(channelId, 'just chatting');
    await post(channelId, '@ada have a look');
    await post(channelId, 'agreed', rootId);
    await post(dmId, 'psst');

    await ada.waitForFunction(
      () => (window as unknown as { shown: unknown[] }).shown.length >= 3,
      undefined,
      { timeout: 30_000 },
    );
    const shown = await ada.evaluate(
      () => (window as unknown as { shown: { title: string; body?: string }[] }).shown,
    );
    expect(shown).toEqual([
      { title: 'cam mentioned you in #alerts', body: '@ada have a look' },
      { title: 'cam replied to you in #alerts', body: 'agreed' },
      { title: 'cam', body: 'psst' },
    ]);
  }, 180_000);
});
