// Channels the user muted, remembered in this browser.
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
let cache: { key: string; ids: ReadonlySet<string> } | null = null;

const storageKey = (userId: string) => `chat.muted.${userId}`;

function read(userId: string): ReadonlySet<string> {
  const key = storageKey(userId);
  if (cache?.key === key) return cache.ids;
  let ids: ReadonlySet<string>;
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(key) ?? '[]');
    ids = new Set(Array.isArray(parsed) ? parsed.map(String) : []);
  } catch {
    ids = new Set();
  }
  cache = { key, ids };
  return ids;
}

export const muteStore = {
  isMuted: (userId: string, channelId: string) => read(userId).has(channelId),
  mutedIds: read,
  setMuted(userId: string, channelId: string, muted: boolean) {
    const ids = new Set(read(userId));
    if (muted) ids.add(channelId);
    else ids.delete(channelId);
    window.localStorage.setItem(storageKey(userId), JSON.stringify([...ids]));
    cache = { key: storageKey(userId), ids };
    for (const listener of [...listeners]) listener();
  },
};

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useMutedIds(userId: string): ReadonlySet<string> {
  return useSyncExternalStore(subscribe, () => read(userId));
}
