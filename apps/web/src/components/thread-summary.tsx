// Under a root in the channel: "3 replies · last reply 5 min ago", opening its thread.
import { useEffect, useState } from 'react';
import type { Message } from '../lib/api-types';
import { openThread } from '../lib/open-thread';
import { replySummary } from '../lib/threads';

/** Now, a minute at a time: "last reply 5 min ago" keeps up while the page stays open. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function ThreadSummary({ message }: { message: Message }) {
  const now = useMinuteClock();
  const summary = replySummary(message, now);
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
