// Typing indicators both ways: announcing the user's own (throttled) and showing others'.
import { useCallback, useEffect, useState } from 'react';
import { createThrottle, describeTypists } from '../lib/typing';
import { trpc } from '../lib/trpc';

/** A callback for every keystroke; it tells the server at most once every 2 seconds. */
export function useAnnounceTyping(channelId: string) {
  const { mutate: startTyping } = trpc.realtime.startTyping.useMutation();
  const [throttle] = useState(() => createThrottle(2_000));
  useEffect(() => throttle.reset(), [channelId, throttle]);
  return useCallback(() => {
    if (throttle.take()) startTyping({ channelId });
  }, [channelId, startTyping, throttle]);
}

/** "ann is typing…" for the channel, or an empty string. */
export function useTypingText(channelId: string): string {
  const { data } = trpc.realtime.typing.useSubscription({ channelId });
  return describeTypists(data ?? []);
}
