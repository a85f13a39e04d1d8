// Which thread the thread pane shows (one at a time, in the open channel), for any component.
import { useSyncExternalStore } from 'react';

export interface OpenThread {
  channelId: string;
  rootId: string;
  /** A reply to bring into view (a search hit): the channel shows the root, the pane the reply. */
  focusReplyId?: string;
}

let current: OpenThread | null = null;
const listeners = new Set<() => void>();

function set(next: OpenThread | null) {
  current = next;
  for (const listener of listeners) listener();
}

export const openThread = (channelId: string, rootId: string, focusReplyId?: string) =>
  set(focusReplyId ? { channelId, rootId, focusReplyId } : { channelId, rootId });
export const closeThread = () => set(null);

/** The thread open in `channelId`, if any. */
export function useOpenThread(channelId: string | null): OpenThread | null {
  const open = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
  return open && open.channelId === channelId ? open : null;
}
