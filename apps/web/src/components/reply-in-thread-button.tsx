// A message's "Reply" action: opens the thread pane on it (on its root, for a reply).
import type { Message } from '../lib/api-types';
import { openThread } from '../lib/open-thread';
import { threadRootId } from '../lib/threads';

export function ReplyInThreadButton({ message }: { message: Message }) {
  return (
    <button
      type="button"
      aria-label="Reply in thread"
      title="Reply in thread"
      onClick={() => openThread(message.channelId, threadRootId(message))}
    >
      Reply
    </button>
  );
}
