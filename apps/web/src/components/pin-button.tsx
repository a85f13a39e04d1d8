// "Pin message" / "Unpin message" in a message's menu (any member of the channel).
import type { Message } from '../lib/api-types';
import { messageStore } from '../lib/message-store';
import { trpc } from '../lib/trpc';

export function PinButton({ message }: { message: Message }) {
  const utils = trpc.useUtils();
  const pin = trpc.pins.set.useMutation({
    onSuccess: (updated) => {
      messageStore.add(updated.channelId, [updated]);
      void utils.pins.list.invalidate({ channelId: updated.channelId });
    },
  });
  const pinned = message.pinnedAt !== null;
  return (
    <button
      type="button"
      disabled={pin.isPending}
      onClick={() => pin.mutate({ messageId: message.id, op: pinned ? 'remove' : 'add' })}
    >
      {pinned ? 'Unpin message' : 'Pin message'}
    </button>
  );
}
