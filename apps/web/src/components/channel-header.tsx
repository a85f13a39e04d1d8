import type { Channel } from '../lib/api-types';
import { ChannelName } from './channel-name';
import { ChannelTopic } from './channel-topic';
import { PinsButton } from './pins-panel';

export function ChannelHeader({ channel }: { channel: Channel }) {
  return (
    <header className="pane-header">
      <h1>
        <ChannelName channel={channel} />
      </h1>
      {channel.kind === 'channel' && (
        <span className="pane-meta">
          {channel.memberCount} member{channel.memberCount === 1 ? '' : 's'}
          {channel.isPrivate && ' · private'}
        </span>
      )}
      <ChannelTopic channel={channel} />
      <PinsButton channelId={channel.id} />
    </header>
  );
}
