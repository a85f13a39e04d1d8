// Under a root in the channel: "3 replies · last reply 5 min ago", opening its thread.
import type { Message } from '../lib/api-types';
import { openThread } from '../lib/open-thread';
import { replySummary } from '../lib/threads';

export function ThreadSummary({ message }: { message: Message }) {
  const summary = replySummary(message);
  if (!summary) return null;
  return (
    <button
      type="button"
      className="thread-summary"
      onClick={() => openThread(message.channelId, message.id)}
    >
      {summary}
    </button>
  );
}
