// The user's realtime.events stream (edits, deletions, joins, leaves, reads, presence), applied
// to the caches. While it is open the server counts the user as connected.
import type { LiveEvent } from '../lib/api-types';
import { afterRead } from '../lib/channel-list';
import { messageStore } from '../lib/message-store';
import { presenceStore } from '../lib/presence-store';
import { trpc } from '../lib/trpc';
import { useUpdateChannel } from './use-channel-list';
import { useMe } from './use-me';
import { useApplySocialEvent } from './use-social-events';

export function useLiveEvents() {
  const me = useMe();
  const utils = trpc.useUtils();
  const updateChannel = useUpdateChannel();
  const applySocial = useApplySocialEvent();

  const apply = (event: LiveEvent) => {
    switch (event.type) {
      case 'message_updated':
      case 'message_deleted':
        messageStore.add(event.channelId, [event.message]);
        return;
      case 'presence':
        presenceStore.set(event.userId, event.status);
        if (event.userId === me.id)
          utils.auth.me.setData(undefined, (user) => user && { ...user, status: event.status });
        return;
      case 'join':
      case 'leave':
        void utils.channels.list.invalidate();
        void utils.channels.get.invalidate({ channelId: event.channelId });
        void utils.channels.members.invalidate({ channelId: event.channelId });
        return;
      case 'read':
        // the user read on another device or tab
        if (event.userId === me.id)
          updateChannel(event.channelId, (channel) => afterRead(channel, event.seq));
        return;
      case 'reaction':
      case 'pin':
      case 'channel_updated':
        applySocial(event);
        return;
      case 'typing':
        return; // typing has its own subscription
    }
  };

  trpc.realtime.events.useSubscription(undefined, {
    onStarted: () => {
      // counters may have moved while the stream was down
      void utils.channels.list.invalidate();
    },
    onData: apply,
  });
}
