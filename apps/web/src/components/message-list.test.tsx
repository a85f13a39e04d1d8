// The message list of a long channel: only a window of its rows is in the page, it opens at
// the first unread message, and offers "Jump to first unread" once that is out of view.
import { act, fireEvent, render, screen } from '@testing-library/react';
import { VirtuosoMockContext } from 'react-virtuoso';
import { afterEach, describe, expect, it } from 'vitest';
import { useChannelHistory } from '../hooks/use-channel-history';
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

function Channel() {
  const history = useChannelHistory(channel.id);
  return <MessageList channelId={channel.id} channel={channel} history={history} />;
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
