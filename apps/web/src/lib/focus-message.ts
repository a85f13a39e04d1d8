// A request to bring one message into view (a notification was clicked), for the open list.
import { useEffect, useRef } from 'react';

let requested: { channelId: string; seq: number } | null = null;
const listeners = new Set<() => void>();

export function requestFocus(channelId: string, seq: number) {
  requested = { channelId, seq };
  for (const listener of [...listeners]) listener();
}

/** Calls `focus(seq)` for requests for this channel, including one made before it opened. */
export function useFocusRequests(channelId: string, focus: (seq: number) => void) {
  const focusRef = useRef(focus);
  useEffect(() => {
    focusRef.current = focus;
  });
  useEffect(() => {
    const take = () => {
      if (requested?.channelId !== channelId) return;
      const { seq } = requested;
      requested = null;
      focusRef.current(seq);
    };
    take();
    listeners.add(take);
    return () => {
      listeners.delete(take);
    };
  }, [channelId]);
}
