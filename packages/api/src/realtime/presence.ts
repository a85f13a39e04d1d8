import type { PresenceReader } from '../services/deps.js';

/**
 * Tracks open connections per user, across every instance. A user is connected while any of
 * their connections on any live instance is open.
 */
export interface PresenceStore extends PresenceReader {
  /** Records a connection; true when it is the user's first anywhere (they just came online). */
  connect(userId: string, connectionId: string): Promise<boolean>;
  /** Forgets a connection; true when it was the user's last anywhere (they just went offline). */
  disconnect(userId: string, connectionId: string): Promise<boolean>;
  /**
   * Called with users who went offline without a disconnect: their instance stopped
   * heartbeating (crashed, killed, cut off). Exactly one live instance reports each such user.
   */
  onUsersOffline(listener: (userIds: string[]) => void): void;
  /** Stops heartbeats and timers. Does not disconnect anyone (a graceful shutdown does that). */
  close(): Promise<void>;
}

/** The embedded default: one process knows every connection. */
export class InMemoryPresence implements PresenceStore {
  private readonly connections = new Map<string, Set<string>>();

  connectedUserIds(userIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(userIds.filter((id) => this.connections.has(id))));
  }

  connect(userId: string, connectionId: string): Promise<boolean> {
    let set = this.connections.get(userId);
    const first = !set;
    if (!set) this.connections.set(userId, (set = new Set()));
    set.add(connectionId);
    return Promise.resolve(first);
  }

  disconnect(userId: string, connectionId: string): Promise<boolean> {
    const set = this.connections.get(userId);
    if (!set?.delete(connectionId)) return Promise.resolve(false);
    if (set.size > 0) return Promise.resolve(false);
    this.connections.delete(userId);
    return Promise.resolve(true);
  }

  // One process: nobody else's crash can take users offline.
  onUsersOffline(_listener: (userIds: string[]) => void): void {}

  close(): Promise<void> {
    this.connections.clear();
    return Promise.resolve();
  }
}
