// Moves the read mark to the newest message while the user has the channel in front of them.
import { useEffect } from 'react';
import type { Channel } from '../lib/api-types';
import { afterRead } from '../lib/channel-list';
import { trpc } from '../lib/trpc';
import { useUpdateChannel } from './use-channel-list';

export function useMarkRead(
  channel: Channel | undefined,
  newestSeq: number | null,
  visible: boolean,
) {
  const { mutate: markRead } = trpc.messages.markRead.useMutation();
  const updateChannel = useUpdateChannel();
  const channelId = channel?.id;
  const unread =
    channel?.isMember === true && newestSeq !== null && newestSeq > (channel.lastReadSeq ?? 0);

  useEffect(() => {
    if (!visible || !unread || channelId === undefined || newestSeq === null) return;
    // a short wait: a burst of messages is marked once
    const timer = setTimeout(() => {
      updateChannel(channelId, (current) => afterRead(current, newestSeq));
      markRead({ channelId, seq: newestSeq });
    }, 300);
    return () => clearTimeout(timer);
  }, [visible, unread, channelId, newestSeq, markRead, updateChannel]);
}
