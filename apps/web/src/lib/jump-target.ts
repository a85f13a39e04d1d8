// The message a search hit asked to open: the channel's list scrolls to it once it is shown.
import { useSyncExternalStore } from 'react';

let target: string | null = null;
const listeners = new Set<() => void>();

export const jumpTarget = {
  set(messageId: string | null) {
    target = messageId;
    for (const listener of listeners) listener();
  },
};

export function useJumpTarget(): string | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => target,
  );
}
