// The live events of reactions, pins and channel changes, applied to what this tab holds.
import { useCallback } from 'react';
import type { LiveEvent } from '../lib/api-types';
import { messageStore } from '../lib/message-store';
import { trpc } from '../lib/trpc';
import { useUpdateChannel } from './use-channel-list';

export type SocialEvent = Extract<LiveEvent, { type: 'reaction' | 'pin' | 'channel_updated' }>;

export function useApplySocialEvent() {
  const utils = trpc.useUtils();
  const updateChannel = useUpdateChannel();
  return useCallback(
    (event: SocialEvent) => {
      switch (event.type) {
        case 'reaction':
        case 'pin': {
          const held = messageStore
            .get(event.channelId)
            .messages.find((message) => message.id === event.messageId);
          if (held) {
            const changed =
              event.type === 'reaction'
                ? {
                    ...held,
                    reactions: event.reactions,
                    reactionsVersion: event.reactionsVersion,
                  }
                : {
                    ...held,
                    pinnedAt:
                      event.op === 'add' ? (held.pinnedAt ?? new Date().toISOString()) : null,
                  };
            messageStore.add(event.channelId, [changed]);
          }
          if (event.type === 'pin') void utils.pins.list.invalidate({ channelId: event.channelId });
          return;
        }
        case 'channel_updated': {
          // the event carries nobody's own counters: keep ours
          const { name, topic } = event.channel;
          updateChannel(event.channelId, (channel) => ({ ...channel, name, topic }));
          utils.channels.get.setData(
            { channelId: event.channelId },
            (channel) => channel && { ...channel, name, topic },
          );
          return;
        }
      }
    },
    [utils, updateChannel],
  );
}
