// "(3) Chat": the unread messages of the channels that are not muted, in the tab's title.
import { useEffect } from 'react';
import type { Channel } from '../lib/api-types';
import { tabTitle, unreadToTitle } from '../lib/notify';

export function useTabTitle(channels: readonly Channel[]) {
  const unread = unreadToTitle(channels);
  useEffect(() => {
    document.title = tabTitle(unread);
  }, [unread]);
}
