// Shown under a public channel the user is only looking at.
import type { Channel } from '../lib/api-types';
import { trpc } from '../lib/trpc';

export function JoinBar({ channel }: { channel: Channel }) {
  const utils = trpc.useUtils();
  const join = trpc.channels.join.useMutation({
    onSuccess: async (joined) => {
      utils.channels.get.setData({ channelId: joined.id }, joined);
      await utils.channels.list.invalidate();
    },
  });
  return (
    <footer className="join-bar">
      <p>
        You are viewing <strong>#{channel.name}</strong>.
      </p>
      <button
        type="button"
        className="button button-primary"
        onClick={() => join.mutate({ channelId: channel.id })}
        disabled={join.isPending}
      >
        Join channel
      </button>
      {join.error && <p className="form-error">{join.error.message}</p>}
    </footer>
  );
}
