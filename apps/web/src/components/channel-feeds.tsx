// A live feed for every channel the user is in (for the unread counters and instant switching),
// and for the open channel even when the user has not joined it.
import { useChannelFeed } from '../hooks/use-channel-feed';
import { useChannelList } from '../hooks/use-channel-list';
import { usePageVisible } from '../hooks/use-page-visible';
import { latestSeq } from '../lib/message-list';
import { messageStore, useChannelMessages } from '../lib/message-store';

interface FeedProps {
  channelId: string;
  startSeq: number;
  isReading: () => boolean;
}

function ChannelFeed({ channelId, startSeq, isReading }: FeedProps) {
  useChannelFeed(channelId, startSeq, isReading);
  return null;
}

export function ChannelFeeds({ activeChannelId }: { activeChannelId: string | null }) {
  const { channels } = useChannelList();
  const visible = usePageVisible();
  const active = useChannelMessages(activeChannelId ?? '');
  const isReading = (channelId: string) => () => visible && channelId === activeChannelId;

  // Each feed starts after the newest message held, else after the channel's last seq as
  // listed: history read later reaches at least that far, so the two leave no gap.
  const feeds = channels
    .filter((channel) => channel.isMember)
    .map((channel) => ({
      channelId: channel.id,
      startSeq: latestSeq(messageStore.get(channel.id)) ?? channel.lastSeq,
    }));
  if (
    activeChannelId &&
    active.historyLoaded &&
    !feeds.some((feed) => feed.channelId === activeChannelId)
  ) {
    feeds.push({ channelId: activeChannelId, startSeq: latestSeq(active) ?? 0 });
  }

  return feeds.map((feed) => (
    <ChannelFeed
      key={feed.channelId}
      channelId={feed.channelId}
      startSeq={feed.startSeq}
      isReading={isReading(feed.channelId)}
    />
  ));
}
