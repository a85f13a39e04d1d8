// One row of the sidebar: the channel's name (or the people of a DM) and its unread counters.
import type { MouseEvent } from 'react';
import type { Channel } from '../lib/api-types';
import { channelPath, navigate } from '../lib/route';
import { ChannelName } from './channel-name';

export function ChannelLink({ channel, active }: { channel: Channel; active: boolean }) {
  const unread = channel.unreadCount ?? 0;
  const mentions = channel.mentionCount ?? 0;
  const href = channelPath(channel.id);
  const open = (event: MouseEvent) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  };
  const classes = [
    'channel-link',
    active && 'active',
    unread > 0 && 'unread',
    !channel.isMember && 'preview',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <li>
      <a className={classes} href={href} onClick={open} aria-current={active ? 'page' : undefined}>
        <ChannelName channel={channel} />
        {mentions > 0 ? (
          <span
            className="badge badge-mention"
            title={`${mentions} mention${mentions === 1 ? '' : 's'}`}
          >
            @{mentions}
          </span>
        ) : unread > 0 && !active ? (
          <span className="badge" title={`${unread} unread`}>
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </a>
    </li>
  );
}
