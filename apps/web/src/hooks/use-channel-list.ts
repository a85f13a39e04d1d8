// The channels the user can see (every page of channels.list), and in-place updates of them.
import { useCallback, useEffect, useMemo } from 'react';
import type { Channel } from '../lib/api-types';
import { channelPath, navigate } from '../lib/route';
import { trpc } from '../lib/trpc';

const listInput = { limit: 100 };

export function useChannelList() {
  const query = trpc.channels.list.useInfiniteQuery(listInput, {
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const channels = useMemo(
    () => query.data?.pages.flatMap((page) => page.items) ?? [],
    [query.data],
  );
  return { channels, isLoading: query.isLoading, error: query.error };
}

/** Changes one channel of the cached list (live counters) without asking the server. */
export function useUpdateChannel() {
  const utils = trpc.useUtils();
  return useCallback(
    (channelId: string, change: (channel: Channel) => Channel) => {
      utils.channels.list.setInfiniteData(listInput, (data) => {
        if (!data) return data;
        return {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: page.items.map((channel) =>
              channel.id === channelId ? change(channel) : channel,
            ),
          })),
        };
      });
    },
    [utils],
  );
}

/** A channel from the list, or fetched alone (a channel reached by its link). */
export function useChannel(channelId: string) {
  const { channels, isLoading } = useChannelList();
  const listed = channels.find((channel) => channel.id === channelId);
  const single = trpc.channels.get.useQuery({ channelId }, { enabled: !isLoading && !listed });
  return { channel: listed ?? single.data, error: listed ? null : single.error };
}

/**
 * Opens a channel the user has just created or opened: at once, from the server's answer, while
 * the list catches up behind (waiting for it left the old channel on screen a round trip longer).
 */
export function useOpenNewChannel() {
  const utils = trpc.useUtils();
  return useCallback(
    (channel: Channel) => {
      utils.channels.get.setData({ channelId: channel.id }, channel);
      void utils.channels.list.invalidate();
      navigate(channelPath(channel.id));
    },
    [utils],
  );
}
