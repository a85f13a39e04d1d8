// The message list of a long channel: only a window of its rows is in the page, it opens at
// the first unread message, and offers "Jump to first unread" once that is out of view; older
// pages load one at a time while the top of the list is in view.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { VirtuosoMockContext } from 'react-virtuoso';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppRouter } from '@chat/api';
import { useChannelHistory } from '../hooks/use-channel-history';
import { topOverscan } from '../hooks/use-older-pages';
import type { Channel } from '../lib/api-types';
import { messageStore } from '../lib/message-store';
import { testMessage } from '../lib/test-message';
import { Providers, signedInClient, testUser } from '../test/providers';
import { MessageList } from './message-list';

const total = 10_000;
const lastReadSeq = 9_000;
const channel = {
  id: 'c1',
  name: 'big',
  kind: 'channel',
  isPrivate: false,
  memberCount: 50,
  isMember: true,
  lastSeq: total,
  lastReadSeq,
  unreadCount: total - lastReadSeq,
} as Channel;

function Channel({ of = channel }: { of?: Channel }) {
  const history = useChannelHistory(of.id);
  return <MessageList channelId={of.id} channel={of} history={history} />;
}

const renderedSeqs = () =>
  [...document.querySelectorAll('li.message')].map((row) =>
    Number(row.id.replace('message-m', '')),
  );

afterEach(() => messageStore.clear());

describe('a channel with 10,000 loaded messages', () => {
  it('renders only a window of them, opens at the first unread, and offers the jump back', async () => {
    // one author per message keeps every row the same height
    messageStore.addHistory(
      channel.id,
      Array.from({ length: total }, (_, index) =>
        testMessage(index + 1, { userId: index % 2 ? 'ben' : 'cam' }),
      ),
    );
    render(
      <VirtuosoMockContext.Provider value={{ viewportHeight: 600, itemHeight: 50 }}>
        <Providers queryClient={signedInClient(testUser('ada', 'Ada'))}>
          <Channel />
        </Providers>
      </VirtuosoMockContext.Provider>,
    );

    // the first unread message is there, with the divider before it; far rows are not
    await screen.findByRole('separator', { name: 'New messages' });
    const opened = renderedSeqs();
    expect(opened).toContain(lastReadSeq + 1);
    expect(opened.length).toBeGreaterThan(5);
    expect(opened.length).toBeLessThan(60);
    expect(opened).not.toContain(1);
    expect(opened).not.toContain(total);
    expect(screen.queryByRole('button', { name: 'Jump to first unread' })).toBeNull();

    // scrolled to the end: still a window, the divider out of view and a way back to it
    const scroller = screen.getByTestId('virtuoso-scroller');
    act(() => {
      // every row (the messages and the divider) is 50 px high in the mocked layout
      scroller.scrollTop = (total + 1) * 50 - 600;
      fireEvent.scroll(scroller);
    });
    await screen.findByRole('button', { name: 'Jump to first unread' });
    const atEnd = renderedSeqs();
    expect(atEnd).toContain(total);
    expect(atEnd.length).toBeLessThan(60);
    expect(screen.queryByRole('separator', { name: 'New messages' })).toBeNull();
    // (happy-dom has no layout for Virtuoso to scroll by: the jump itself is in the browser
    // test, e2e/client.e2e.test.ts)
  });
});

/**
 * Stands in for the server's history: pages of `pageSize` before the asked seq, answered on a
 * later turn; the first request fails when `failFirst`. Records each request's `before` and
 * how many were open at once.
 */
function historyServer(pageSize: number, failFirst: boolean) {
  const server = { befores: [] as number[], open: 0, mostOpen: 0 };
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        const before = (op.input as { before?: number }).before ?? 0;
        if (op.path !== 'messages.history' || before === 0) {
          observer.error(TRPCClientError.from(new Error(`no fake for ${op.path}`)));
          return;
        }
        server.befores.push(before);
        server.open += 1;
        server.mostOpen = Math.max(server.mostOpen, server.open);
        setTimeout(() => {
          server.open -= 1;
          if (failFirst && server.befores.length === 1) {
            observer.error(TRPCClientError.from(new Error('The server is not answering')));
            return;
          }
          const from = Math.max(1, before - pageSize);
          const items = Array.from({ length: before - from }, (_, index) =>
            testMessage(from + index),
          );
          observer.next({ result: { type: 'data', data: { items, nextCursor: null } } });
          observer.complete();
        });
      });
  return { server, link };
}

/** Resolves once `value()` stayed the same for 200 ms. */
async function quiet(value: () => unknown) {
  for (let last = value(); ;) {
    await act(() => new Promise((resolve) => setTimeout(resolve, 200)));
    if (value() === last) return;
    last = value();
  }
}

describe('a short channel with older history', () => {
  it('reads older pages one at a time while near the top, and retries a failed one', async () => {
    const short = { ...channel, id: 'c1', lastSeq: 300, lastReadSeq: 300, unreadCount: 0 };
    messageStore.addHistory(
      short.id,
      Array.from({ length: 10 }, (_, index) => testMessage(291 + index)),
    );
    const { server, link } = historyServer(5, true);
    render(
      <VirtuosoMockContext.Provider value={{ viewportHeight: 600, itemHeight: 50 }}>
        <Providers queryClient={signedInClient(testUser('ada', 'Ada'))} links={[link]}>
          <Channel of={short} />
        </Providers>
      </VirtuosoMockContext.Provider>,
    );

    // the first page fails: the list says so and waits to be asked again
    const retry = await screen.findByRole('button', { name: 'Try again' });
    expect(server.befores).toEqual([291]);
    fireEvent.click(retry);

    // then page after page, one at a time, while the list stands near its top: each page
    // prepended moves the top further up, as the rows in view stay where they are
    await waitFor(() => expect(server.befores.length).toBeGreaterThan(2));
    await quiet(() => server.befores.length);
    const asked = server.befores.slice(1);
    expect(asked.length).toBeGreaterThan(1);
    expect(asked).toEqual(asked.map((_, index) => 291 - index * 5));
    expect(server.mostOpen).toBe(1);
    const oldest = 291 - asked.length * 5;
    expect(messageStore.get(short.id).messages[0]?.seq).toBe(oldest);
    // it stopped because the list now stands further below its top than rows are rendered
    // above the view (400 px), not before
    expect(screen.getByTestId('virtuoso-scroller').scrollTop).toBeGreaterThan(topOverscan);
  }, 15_000);
});
