import type { ReactNode } from 'react';
import type { Channel } from '../lib/api-types';
import { ChannelName } from './channel-name';
import { ChannelTopic } from './channel-topic';
import { PinsButton } from './pins-panel';

export function ChannelHeader({ channel, actions }: { channel: Channel; actions?: ReactNode }) {
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
      {actions && <div className="pane-header-actions">{actions}</div>}
      <ChannelTopic channel={channel} />
      <PinsButton channelId={channel.id} />
    </header>
  );
}
