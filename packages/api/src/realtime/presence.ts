import type { PresenceReader } from '../services/deps.js';

/** Tracks open connections per user. */
export interface PresenceStore extends PresenceReader {
  /** Returns true when this was the user's first connection (they just came online). */
  connect(userId: string, connectionId: string): Promise<boolean>;
  /** Returns true when this was the user's last connection (they just went offline). */
  disconnect(userId: string, connectionId: string): Promise<boolean>;
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

  close(): Promise<void> {
    this.connections.clear();
    return Promise.resolve();
  }
}
