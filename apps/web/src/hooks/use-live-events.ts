// The user's realtime.events stream (edits, deletions, joins, leaves, reads, presence), applied
// to the caches. While it is open the server counts the user as connected.
import type { LiveEvent } from '../lib/api-types';
import { activityStore } from '../lib/channel-activity';
import { afterRead } from '../lib/channel-list';
import { latestSeq } from '../lib/message-list';
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
        // only a message held: one from further back would open a gap in what is held
        messageStore.update(event.channelId, [event.message]);
        return;
      case 'presence':
        presenceStore.set(event.userId, event.status);
        if (event.userId === me.id)
          utils.auth.me.setData(undefined, (user) => user && { ...user, status: event.status });
        return;
      case 'join':
      case 'leave':
        activityStore.addLine(event.channelId, {
          kind: event.type,
          userId: event.userId,
          username: event.username,
          afterSeq:
            event.type === 'join' ? event.seq : (latestSeq(messageStore.get(event.channelId)) ?? 0),
        });
        void utils.channels.list.invalidate();
        void utils.channels.get.invalidate({ channelId: event.channelId });
        void utils.channels.members.invalidate({ channelId: event.channelId });
        return;
      case 'read':
        activityStore.recordRead(event.channelId, event.userId, event.seq);
        // the user read on another device or tab
        if (event.userId === me.id)
          updateChannel(event.channelId, (channel) => afterRead(channel, event.seq));
        return;
      case 'channel_created':
        void utils.channels.list.invalidate();
        return;
      case 'channel_muted':
        // muted or unmuted on another device or tab
        updateChannel(event.channelId, (channel) => ({ ...channel, muted: event.muted }));
        return;
      case 'user_updated':
        utils.users.get.setData({ userId: event.user.id }, event.user);
        void utils.channels.members.invalidate();
        if (event.user.id === me.id)
          utils.auth.me.setData(undefined, (user) => user && { ...user, ...event.user });
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
      // counters, statuses and members may have moved while the stream was down
      presenceStore.clear();
      void utils.channels.list.invalidate();
      void utils.channels.members.invalidate();
      void utils.users.invalidate();
    },
    onData: apply,
  });
}
