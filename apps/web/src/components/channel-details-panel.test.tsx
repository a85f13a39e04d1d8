// The mute control of the channel details panel: the server's Channel.muted, changed at once
// when clicked and put back when the server refuses.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { describe, expect, it } from 'vitest';
import type { AppRouter } from '@chat/api';
import { useChannel } from '../hooks/use-channel-list';
import type { Channel } from '../lib/api-types';
import { Providers, signedInClient, testUser } from '../test/providers';
import { ChannelDetailsPanel } from './channel-details-panel';

const channelFields: Channel = {
  id: 'c1',
  name: 'general',
  kind: 'channel',
  isPrivate: false,
  topic: null,
  createdBy: 'ada',
  createdAt: '2026-01-01T00:00:00.000Z',
  memberCount: 1,
  isMember: true,
  lastSeq: 0,
  lastReadSeq: 0,
  unreadCount: 0,
  mentionCount: 0,
  muted: false,
};

/**
 * Stands in for the server: the channel list and members, and setMuted, which waits for
 * `answer` to be called (then succeeds, or refuses with `refusal`).
 */
function fakeServer() {
  const server = {
    muted: false,
    pending: [] as (() => void)[],
    refusal: null as string | null,
    /** Channel lists asked for while set wait here, answering what the server held then. */
    heldLists: null as (() => void)[] | null,
  };
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        const send = (data: unknown) => {
          observer.next({ result: { type: 'data', data } });
          observer.complete();
        };
        const channel = () => ({ ...channelFields, muted: server.muted });
        if (op.path === 'channels.list') {
          const answer = { items: [channel()], nextCursor: null };
          if (server.heldLists) server.heldLists.push(() => send(answer));
          else send(answer);
        } else if (op.path === 'channels.members') send({ items: [], nextCursor: null });
        else if (op.path === 'channels.setMuted')
          server.pending.push(() => {
            if (server.refusal) {
              observer.error(
                TRPCClientError.from({
                  error: { code: -32603, message: server.refusal, data: { code: 'FORBIDDEN' } },
                }),
              );
              return;
            }
            server.muted = (op.input as { muted: boolean }).muted;
            send(channel());
          });
        else observer.error(TRPCClientError.from(new Error(`no fake for ${op.path}`)));
      });
  const answer = () => act(() => server.pending.splice(0).forEach((reply) => reply()));
  return { server, link, answer };
}

function Panel() {
  const { channel } = useChannel('c1');
  return channel ? <ChannelDetailsPanel channel={channel} onClose={() => undefined} /> : null;
}

function renderPanel(
  link: TRPCLink<AppRouter>,
  queryClient = signedInClient(testUser('ada', 'Ada Lovelace')),
) {
  render(
    <Providers queryClient={queryClient} links={[link]}>
      <Panel />
    </Providers>,
  );
  return () => screen.getByRole<HTMLInputElement>('checkbox', { name: /Mute channel/ });
}

describe('the mute control', () => {
  it("shows the server's mute, and changes it at once when clicked", async () => {
    const { server, link, answer } = fakeServer();
    server.muted = true;
    const box = renderPanel(link);
    await waitFor(() => expect(box().checked).toBe(true));
    fireEvent.click(box());
    await waitFor(() => expect(box().checked).toBe(false)); // before the server answers
    expect(server.pending).toHaveLength(1);
    answer();
    await waitFor(() => expect(server.muted).toBe(false));
    expect(box().checked).toBe(false);
  });

  it('puts the box back, with the reason, when the server refuses', async () => {
    const { server, link, answer } = fakeServer();
    server.refusal = 'Join the channel first';
    const box = renderPanel(link);
    await waitFor(() => expect(box().checked).toBe(false));
    fireEvent.click(box());
    await waitFor(() => expect(box().checked).toBe(true));
    expect(server.pending).toHaveLength(1);
    answer();
    await waitFor(() => expect(box().checked).toBe(false));
    expect(await screen.findByText('Join the channel first')).toBeTruthy();
    expect(server.muted).toBe(false);
  });

  it('is not put back by a channel list read before the change that answers after it', async () => {
    const { server, link, answer } = fakeServer();
    const queryClient = signedInClient(testUser('ada', 'Ada Lovelace'));
    const box = renderPanel(link, queryClient);
    await waitFor(() => expect(box().checked).toBe(false));
    // a join elsewhere refetches the list; its answer (still unmuted) is slow to come
    server.heldLists = [];
    void act(() => queryClient.invalidateQueries({ queryKey: [['channels', 'list']] }));
    await waitFor(() => expect(server.heldLists).toHaveLength(1));
    fireEvent.click(box());
    await waitFor(() => expect(server.pending).toHaveLength(1));
    await act(async () => {
      server.heldLists?.splice(0).forEach((reply) => reply());
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(box().checked).toBe(true);
    server.heldLists = null;
    answer();
    await waitFor(() => expect(server.muted).toBe(true));
    expect(box().checked).toBe(true);
  });
});
