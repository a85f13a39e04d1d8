// Mutes or unmutes a channel for the user's account: the cached channel shows the change at
// once, and goes back if the server refuses it. A channel read already on its way (a join or
// a reconnect refetches the list) is called off first: its answer, from before the change,
// would put the old value back.
import { useUpdateChannel } from './use-channel-list';
import type { Channel } from '../lib/api-types';
import { trpc } from '../lib/trpc';

export function useSetMuted(channel: Channel) {
  const utils = trpc.useUtils();
  const updateChannel = useUpdateChannel();
  const show = (muted: boolean) => {
    updateChannel(channel.id, (cached) => ({ ...cached, muted }));
    utils.channels.get.setData({ channelId: channel.id }, (cached) =>
      cached ? { ...cached, muted } : cached,
    );
  };
  const mutation = trpc.channels.setMuted.useMutation({
    onMutate: async ({ muted }) => {
      const before = channel.muted ?? false;
      show(muted);
      await Promise.all([
        utils.channels.list.cancel(),
        utils.channels.get.cancel({ channelId: channel.id }),
      ]);
      // a read called off puts back what was cached before it began: shown again on top
      show(muted);
      return { before };
    },
    onError: (_error, _input, context) => {
      if (context) show(context.before);
    },
    onSuccess: (updated) => show(updated.muted ?? false),
  });
  return {
    setMuted: (muted: boolean) => mutation.mutate({ channelId: channel.id, muted }),
    error: mutation.error,
  };
}
