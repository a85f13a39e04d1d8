// A channel's history: the newest page when it is first opened, older pages on demand.
import { useCallback, useEffect, useRef, useState } from 'react';
import { hasOlder, oldestSeq } from '../lib/message-list';
import { messageStore, useChannelMessages } from '../lib/message-store';
import { trpc } from '../lib/trpc';

const pageSize = 50;

export function useChannelHistory(channelId: string) {
  const state = useChannelMessages(channelId);
  const utils = trpc.useUtils();
  const newest = trpc.messages.history.useQuery(
    { channelId, limit: pageSize, topLevel: true },
    { enabled: !state.historyLoaded, staleTime: Infinity, gcTime: 0 },
  );
  useEffect(() => {
    if (newest.data) messageStore.addHistory(channelId, newest.data.items);
  }, [channelId, newest.data]);

  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<Error | null>(null);
  // one page at a time, whoever asks (the list reaching its top, a search hit far back)
  const inFlight = useRef(false);
  const loadOlder = useCallback(async () => {
    const before = oldestSeq(messageStore.get(channelId));
    if (before === null || inFlight.current) return;
    inFlight.current = true;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      const page = await utils.messages.history.fetch({
        channelId,
        limit: pageSize,
        before,
        topLevel: true,
      });
      messageStore.add(channelId, page.items);
    } catch (error) {
      setOlderError(error instanceof Error ? error : new Error('Could not load older messages'));
    } finally {
      inFlight.current = false;
      setLoadingOlder(false);
    }
  }, [channelId, utils]);

  return {
    ...state,
    loading: !state.historyLoaded && newest.isLoading,
    error: state.historyLoaded ? null : newest.error,
    hasOlder: hasOlder(state),
    loadingOlder,
    olderError,
    loadOlder,
  };
}
