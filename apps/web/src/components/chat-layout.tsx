// The signed-in screen: sidebar, the open channel, and the live streams behind both.
import { useEffect } from 'react';
import { useChannelList } from '../hooks/use-channel-list';
import { useLiveEvents } from '../hooks/use-live-events';
import { useTabTitle } from '../hooks/use-tab-title';
import { sidebarSections } from '../lib/channel-list';
import { useOpenThread } from '../lib/open-thread';
import { channelPath, navigate, parseRoute, usePathname } from '../lib/route';
import { ChannelFeeds } from './channel-feeds';
import { ConnectionBanner } from './connection-banner';
import { MessagePane } from './message-pane';
import { SearchBox } from './search-box';
import { Sidebar } from './sidebar';
import { ThreadPane } from './thread-pane';

export function ChatLayout() {
  const route = parseRoute(usePathname());
  const activeChannelId = route.name === 'channel' ? route.channelId : null;
  const { channels, isLoading } = useChannelList();
  useLiveEvents();
  const thread = useOpenThread(activeChannelId);
  useTabTitle(channels);

  // "/" opens the first channel the user is in
  useEffect(() => {
    if (activeChannelId !== null || isLoading) return;
    const sections = sidebarSections(channels);
    const first = sections.channels[0] ?? sections.directMessages[0] ?? sections.more[0];
    if (first) navigate(channelPath(first.id), { replace: true });
  }, [activeChannelId, isLoading, channels]);

  return (
    <div className={thread ? 'app app-with-thread' : 'app'}>
      <Sidebar activeChannelId={activeChannelId} />
      <main className="main">
        <ConnectionBanner />
        <SearchBox />
        {activeChannelId ? (
          <MessagePane key={activeChannelId} channelId={activeChannelId} />
        ) : (
          <div className="empty-state">
            <h2>No channel yet</h2>
            <p>Create one from the sidebar, or start a direct message.</p>
          </div>
        )}
      </main>
      {thread && <ThreadPane key={thread.rootId} {...thread} />}
      <ChannelFeeds activeChannelId={activeChannelId} />
    </div>
  );
}
