// The message a search hit opened: the channel's list scrolls to it (a focus request) and marks
// it, until the next hit is opened.
import { useSyncExternalStore } from 'react';

let target: string | null = null;
const listeners = new Set<() => void>();

export const jumpTarget = {
  set(messageId: string | null) {
    target = messageId;
    for (const listener of listeners) listener();
  },
};

/** Whether `messageId` is the message a search hit opened (re-renders only when that changes). */
export function useIsJumpTarget(messageId: string): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => target === messageId,
  );
}
