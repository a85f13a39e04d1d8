// "(3) Chat": the unread messages of the channels that are not muted, in the tab's title.
import { useEffect } from 'react';
import type { Channel } from '../lib/api-types';
import { useMutedIds } from '../lib/mute-store';
import { tabTitle } from '../lib/notify';
import { useMe } from './use-me';

export function useTabTitle(channels: readonly Channel[]) {
  const me = useMe();
  const muted = useMutedIds(me.id);
  const unread = channels
    .filter((channel) => channel.isMember && !muted.has(channel.id))
    .reduce((sum, channel) => sum + (channel.unreadCount ?? 0), 0);
  useEffect(() => {
    document.title = tabTitle(unread);
  }, [unread]);
}
