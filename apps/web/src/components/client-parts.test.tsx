// The members panel's list and the "Seen by" line, rendered; the decisions behind them and
// behind notifications, on their own.
import { QueryClient } from '@tanstack/react-query';
import { act, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel, Message } from '../lib/api-types';
import { activityStore, seenBy, showsReceipts } from '../lib/channel-activity';
import { connectionStore } from '../lib/connection-store';
import { notifyReason, tabTitle, unreadToTitle, type NotifyContext } from '../lib/notify';
import { presenceStore } from '../lib/presence-store';
import { testMessage } from '../lib/test-message';
import { Providers, signedInClient, testUser } from '../test/providers';
import { MembersList } from './members-list';
import { SeenBy, SeenByLine } from './seen-by';

const user = testUser;

afterEach(() => {
  presenceStore.clear();
  activityStore.clear();
  connectionStore.set('connecting');
});

describe('the members list', () => {
  it('shows each member by display name with their live status, and the user as "you"', () => {
    const members = [user('ada', 'Ada Lovelace'), user('ben', 'Ben Okafor', 'offline')];
    render(<MembersList members={members} myId="ada" />);
    const rows = within(screen.getByRole('list', { name: 'Members' })).getAllByRole('listitem');
    expect(rows.map((row) => row.textContent)).toEqual([
      'ALAda Lovelace (you)Online',
      'BOBen OkaforOffline',
    ]);

    // a presence event moves a dot; a lost connection makes every status unknown
    act(() => presenceStore.set('ben', 'away'));
    expect(rows[1]?.textContent).toContain('Away');
    act(() => connectionStore.set('reconnecting'));
    expect(screen.getAllByText('Status unknown')).toHaveLength(2);
  });

  it('shows the avatar image when there is one, and initials otherwise', () => {
    const withImage = { ...user('cam', 'Cam Diaz'), avatarUrl: 'https://example.com/cam.png' };
    const { container } = render(
      <MembersList members={[withImage, user('dee', 'Dee Dee')]} myId="x" />,
    );
    const images = container.querySelectorAll('img');
    expect([...images].map((img) => img.getAttribute('src'))).toEqual([
      'https://example.com/cam.png',
    ]);
    expect(screen.getByText('DD')).toBeTruthy();
  });
});

describe('seen by', () => {
  it('names the others whose read mark reached the latest message, not the user', () => {
    activityStore.recordRead('c1', 'ben', 4);
    activityStore.recordRead('c1', 'cam', 2);
    activityStore.recordRead('c1', 'ada', 9);
    activityStore.recordRead('c1', 'ben', 3); // marks never move back
    const { reads } = activityStore.get('c1');
    expect(seenBy(reads, 4, 'ada')).toEqual(['ben']);
    expect(seenBy(reads, 2, 'ada')).toEqual(['ben', 'cam']);
    expect(seenBy(reads, null, 'ada')).toEqual([]);
  });

  it('is shown in DMs and channels of at most ten members', () => {
    expect(showsReceipts({ kind: 'dm', memberCount: 8 })).toBe(true);
    expect(showsReceipts({ kind: 'channel', memberCount: 10 })).toBe(true);
    expect(showsReceipts({ kind: 'channel', memberCount: 11 })).toBe(false);
  });

  it('renders the readers by display name', () => {
    const queryClient = new QueryClient();
    // the names come from the users cache, as the live user_updated events keep it
    queryClient.setQueryData(
      [['users', 'get'], { input: { userId: 'ben' }, type: 'query' }],
      user('ben', 'Ben Okafor'),
    );
    queryClient.setQueryData(
      [['users', 'get'], { input: { userId: 'cam' }, type: 'query' }],
      user('cam', 'Cam Diaz'),
    );
    render(
      <Providers queryClient={queryClient}>
        <SeenByLine readerIds={['ben', 'cam']} />
      </Providers>,
    );
    expect(screen.getByText(/Seen by/).textContent).toBe('Seen by Ben Okafor, Cam Diaz');
  });

  it("under the user's latest message, from the members' read marks and the live reads", async () => {
    const queryClient = signedInClient(user('ada', 'Ada Lovelace'));
    for (const [id, name] of [
      ['ben', 'Ben Okafor'],
      ['cam', 'Cam Diaz'],
    ] as const) {
      queryClient.setQueryData(
        [['users', 'get'], { input: { userId: id }, type: 'query' }],
        user(id, name),
      );
    }
    // as after a reload: Ben had read up to seq 2 before, nobody's read event was heard
    queryClient.setQueryData(
      [['channels', 'members'], { input: { channelId: 'c1', limit: 100 }, type: 'query' }],
      {
        items: [
          { ...user('ada', 'Ada Lovelace'), lastReadSeq: 2 },
          { ...user('ben', 'Ben Okafor'), lastReadSeq: 2 },
          { ...user('cam', 'Cam Diaz'), lastReadSeq: 1 },
        ],
        nextCursor: null,
      },
    );
    const channel = { id: 'c1', kind: 'dm', memberCount: 3 } as Channel;
    const messages = [testMessage(1, { userId: 'cam' }), testMessage(2, { userId: 'ada' })];
    render(
      <Providers queryClient={queryClient}>
        <SeenBy channel={channel} messages={messages} />
      </Providers>,
    );
    expect((await screen.findByText(/Seen by/)).textContent).toBe('Seen by Ben Okafor');

    // Cam reads it while the tab is open: the live event moves Cam's mark past the list's
    act(() => activityStore.recordRead('c1', 'cam', 2));
    expect(screen.getByText(/Seen by/).textContent).toBe('Seen by Ben Okafor, Cam Diaz');
  });

  it("shows nothing when the latest message is not the user's, or the channel is large", () => {
    const queryClient = signedInClient(user('ada', 'Ada Lovelace'));
    activityStore.recordRead('c1', 'ben', 5);
    const small = { id: 'c1', kind: 'channel', memberCount: 3 } as Channel;
    const large = { ...small, memberCount: 11 };
    const { container, rerender } = render(
      <Providers queryClient={queryClient}>
        <SeenBy channel={small} messages={[testMessage(1, { userId: 'ben' })]} />
      </Providers>,
    );
    expect(container.textContent).toBe('');
    rerender(
      <Providers queryClient={queryClient}>
        <SeenBy channel={large} messages={[testMessage(1, { userId: 'ada' })]} />
      </Providers>,
    );
    expect(container.textContent).toBe('');
  });

  it('says nothing while nobody has read it', () => {
    const { container } = render(<SeenByLine readerIds={[]} />);
    expect(container.textContent).toBe('');
  });
});

describe('notification decisions', () => {
  const message = (content: string, userId = 'ben') =>
    ({ id: 'm1', seq: 1, userId, content, deleted: false }) as Message;
  const context = (overrides: Partial<NotifyContext> = {}): NotifyContext => ({
    me: { id: 'ada', username: 'ada' },
    channelKind: 'channel',
    muted: false,
    pageVisible: false,
    permission: 'granted',
    repliesToMe: false,
    ...overrides,
  });

  it('notifies of a mention, a DM and a reply to the user while the page is hidden', () => {
    expect(notifyReason(message('hi @ada'), context())).toBe('mention');
    expect(notifyReason(message('hi'), context({ channelKind: 'dm' }))).toBe('dm');
    expect(notifyReason(message('agreed'), context({ repliesToMe: true }))).toBe('reply');
    expect(notifyReason(message('just chatting'), context())).toBeNull();
  });

  it('stays quiet while the user looks, without permission, and for their own messages', () => {
    expect(notifyReason(message('hi @ada'), context({ pageVisible: true }))).toBeNull();
    expect(notifyReason(message('hi @ada'), context({ permission: 'default' }))).toBeNull();
    expect(notifyReason(message('hi @ada'), context({ permission: 'unsupported' }))).toBeNull();
    expect(notifyReason(message('note to @ada', 'ada'), context())).toBeNull();
  });

  it('lets a muted channel through only for a mention', () => {
    expect(notifyReason(message('hi'), context({ channelKind: 'dm', muted: true }))).toBeNull();
    expect(notifyReason(message('ok'), context({ muted: true, repliesToMe: true }))).toBeNull();
    expect(notifyReason(message('@ada look'), context({ muted: true }))).toBe('mention');
  });

  it("titles the tab with the unread count of the user's channels that are not muted", () => {
    const channel = (unreadCount: number, fields: Partial<Channel> = {}) =>
      ({ isMember: true, unreadCount, muted: false, ...fields }) as Channel;
    const channels = [
      channel(2),
      channel(5, { muted: true }),
      channel(1),
      { isMember: false, memberCount: 3 } as Channel,
    ];
    expect(unreadToTitle(channels)).toBe(3);
    expect(unreadToTitle([channel(4, { muted: true })])).toBe(0);
    expect(tabTitle(3)).toBe('(3) Chat');
    expect(tabTitle(0)).toBe('Chat');
  });
});
