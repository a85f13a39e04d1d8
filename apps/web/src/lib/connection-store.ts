// Whether the live connection is up, as the banner and the presence dots need to know: before
// the first open it is "connecting"; after a loss "reconnecting" until the socket is open again.
import { useSyncExternalStore } from 'react';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export function createConnectionStore() {
  let state: ConnectionState = 'connecting';
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set: (next: ConnectionState) => {
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

export type ConnectionStore = ReturnType<typeof createConnectionStore>;

export const connectionStore = createConnectionStore();

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(connectionStore.subscribe, connectionStore.get);
}

function subscribeOnline(listener: () => void) {
  window.addEventListener('online', listener);
  window.addEventListener('offline', listener);
  return () => {
    window.removeEventListener('online', listener);
    window.removeEventListener('offline', listener);
  };
}

/** Whether the browser believes it has a network at all. */
export function useBrowserOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine);
}
