// The open channel: its header, its messages, who is typing, and the composer (or a join bar).
import { useCallback, useState } from 'react';
import { useChannel } from '../hooks/use-channel-list';
import { useChannelHistory } from '../hooks/use-channel-history';
import { useMarkRead } from '../hooks/use-mark-read';
import { usePageVisible } from '../hooks/use-page-visible';
import { latestSeq } from '../lib/message-list';
import { ChannelDetailsPanel } from './channel-details-panel';
import { ChannelHeader } from './channel-header';
import { Composer } from './composer';
import { JoinBar } from './join-bar';
import { MessageList } from './message-list';
import { TypingIndicator } from './typing-indicator';

export function MessagePane({ channelId }: { channelId: string }) {
  const { channel, error } = useChannel(channelId);
  const history = useChannelHistory(channelId);
  const visible = usePageVisible();
  const [panelOpen, setPanelOpen] = useState(false);
  const closePanel = useCallback(() => setPanelOpen(false), []);
  useMarkRead(channel, latestSeq(history), visible);

  const failure = error ?? history.error;
  if (failure) {
    return (
      <div className="empty-state">
        <h2>Channel not available</h2>
        <p>
          {failure.data?.code === 'NOT_FOUND'
            ? 'It does not exist, or it is private and you are not in it.'
            : failure.message}
        </p>
      </div>
    );
  }

  const membersButton = (
    <button
      type="button"
      className="button button-quiet"
      onClick={() => setPanelOpen((open) => !open)}
      aria-expanded={panelOpen}
    >
      Members
    </button>
  );

  return (
    <div className="pane-with-panel">
      <section className="pane" aria-label="Messages">
        {channel && <ChannelHeader channel={channel} actions={membersButton} />}
        <MessageList channelId={channelId} channel={channel} history={history} />
        {channel?.isMember ? (
          <footer className="pane-footer">
            <Composer channelId={channelId} channel={channel} />
            <TypingIndicator channelId={channelId} />
          </footer>
        ) : channel ? (
          <JoinBar channel={channel} />
        ) : null}
      </section>
      {panelOpen && channel && <ChannelDetailsPanel channel={channel} onClose={closePanel} />}
    </div>
  );
}
