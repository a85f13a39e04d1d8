// Live statuses of other users: what the server said when it listed them, overridden by the
// presence events that arrived since.
import { useSyncExternalStore } from 'react';
import type { UserStatus } from './api-types';
import { connectionStore } from './connection-store';

/** What the client can say of someone: while it is disconnected itself, it does not know. */
export type ShownStatus = UserStatus | 'unknown';

const statuses = new Map<string, UserStatus>();
const listeners = new Set<() => void>();
let version = 0;

export const presenceStore = {
  set(userId: string, status: UserStatus) {
    if (statuses.get(userId) === status) return;
    statuses.set(userId, status);
    version += 1;
    for (const listener of listeners) listener();
  },
  get: (userId: string) => statuses.get(userId),
  clear() {
    statuses.clear();
    version += 1;
    for (const listener of listeners) listener();
  },
};

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * A user's status: the latest presence event, else what the server reported with the user;
 * unknown while the connection is down (nothing that happened meanwhile has arrived).
 */
export function useStatus(userId: string, reported: UserStatus): ShownStatus {
  useSyncExternalStore(subscribe, () => version);
  const connection = useSyncExternalStore(connectionStore.subscribe, connectionStore.get);
  if (connection === 'reconnecting') return 'unknown';
  return statuses.get(userId) ?? reported;
}
