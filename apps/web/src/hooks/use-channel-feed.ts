// One channel's live messages over realtime.messages, into the message store and the sidebar's
// counters. The subscription starts after the newest seq the client has; after a reconnect,
// wsLink resumes from the last seq it delivered, so nothing is missed or repeated.
import { useState } from 'react';
import { afterMessage } from '../lib/channel-list';
import { messageStore } from '../lib/message-store';
import { trpc } from '../lib/trpc';
import { useMe } from './use-me';
import { useUpdateChannel } from './use-channel-list';
import { useNotifier } from './use-notifier';

export function useChannelFeed(channelId: string, startSeq: number, isReading: () => boolean) {
  const me = useMe();
  const updateChannel = useUpdateChannel();
  const notify = useNotifier();
  // fixed for the life of the feed: a new lastEventId would only restart the subscription
  const [lastEventId] = useState(() => String(startSeq));
  trpc.realtime.messages.useSubscription(
    { channelId, lastEventId },
    {
      onData: ({ data: message }) => {
        messageStore.add(channelId, [message]);
        const viewer = { userId: me.id, username: me.username, reading: isReading() };
        updateChannel(channelId, (channel) => afterMessage(channel, message, viewer));
        notify(message);
      },
    },
  );
}
