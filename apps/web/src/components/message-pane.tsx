// The open channel: its header, its messages, who is typing, and the composer (or a join bar).
import { useChannel } from '../hooks/use-channel-list';
import { useChannelHistory } from '../hooks/use-channel-history';
import { useMarkRead } from '../hooks/use-mark-read';
import { usePageVisible } from '../hooks/use-page-visible';
import { latestSeq } from '../lib/message-list';
import { ChannelHeader } from './channel-header';
import { Composer } from './composer';
import { JoinBar } from './join-bar';
import { MessageList } from './message-list';
import { TypingIndicator } from './typing-indicator';

export function MessagePane({ channelId }: { channelId: string }) {
  const { channel, error } = useChannel(channelId);
  const history = useChannelHistory(channelId);
  const visible = usePageVisible();
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

  return (
    <section className="pane" aria-label="Messages">
      {channel && <ChannelHeader channel={channel} />}
      <MessageList channelId={channelId} history={history} />
      {channel?.isMember ? (
        <footer className="pane-footer">
          <Composer channelId={channelId} channel={channel} />
          <TypingIndicator channelId={channelId} />
        </footer>
      ) : channel ? (
        <JoinBar channel={channel} />
      ) : null}
    </section>
  );
}
