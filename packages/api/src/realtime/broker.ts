/** Topic-based publish/subscribe between server instances. Payloads are serialised once. */
export interface Broker {
  publish(topic: string, payload: string): Promise<void>;
  /** Listens on a topic until the returned function is called. */
  subscribe(topic: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
  /** Resolves when the broker's backing service answers (for readiness checks). */
  ping(): Promise<void>;
  /**
   * Called after a lost connection to the broker is back: whatever was published meanwhile
   * never arrived and must be read from the database.
   */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}
