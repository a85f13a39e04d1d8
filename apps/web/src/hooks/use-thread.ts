// The open thread: its root and replies as read from the server, then live. Replies arrive on
// the channel's feed (they are messages of the channel, with the channel's seqs), so the pane
// takes those of this thread from the message store.
import { useCallback, useMemo, useState } from 'react';
import type { Message } from '../lib/api-types';
import { mergeBySeq } from '../lib/message-list';
import { useChannelMessages } from '../lib/message-store';
import { threadReplies } from '../lib/threads';
import { trpc } from '../lib/trpc';

const pageSize = 100;

export function useThread(channelId: string, rootId: string) {
  const utils = trpc.useUtils();
  const held = useChannelMessages(channelId).messages;
  const first = trpc.messages.thread.useQuery({ messageId: rootId, limit: pageSize });
  const [later, setLater] = useState<{ items: Message[]; hasMore: boolean } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const fetched = useMemo(
    () => mergeBySeq(first.data?.items ?? [], later?.items ?? []),
    [first.data, later],
  );
  const hasMore = later ? later.hasMore : (first.data?.hasMore ?? false);

  const loadMore = useCallback(async () => {
    const after = fetched.at(-1)?.seq;
    if (after === undefined) return;
    setLoadingMore(true);
    try {
      const page = await utils.messages.thread.fetch({ messageId: rootId, limit: pageSize, after });
      setLater((previous) => ({
        items: mergeBySeq(previous?.items ?? [], page.items),
        hasMore: page.hasMore,
      }));
    } finally {
      setLoadingMore(false);
    }
  }, [fetched, rootId, utils]);

  // Live replies join once every earlier one is read, so the pane never shows a gap.
  const replies = useMemo(
    () => (hasMore ? fetched : threadReplies(fetched, held, rootId)),
    [fetched, hasMore, held, rootId],
  );
  // the store's copy of the root gets its edits and thread counts live
  const root = held.find((message) => message.id === rootId) ?? first.data?.root ?? null;

  return {
    root,
    replies,
    hasMore,
    loadMore,
    loadingMore,
    loading: first.isLoading,
    error: first.error,
  };
}
