/**
 * Topic-based publish/subscribe between server instances. Across processes a payload is text,
 * serialised once by the publisher; within one process (`local`) it is handed to every listener
 * as it was published, by reference: nothing is copied or parsed on the way.
 */
export interface Broker {
  /** True when publisher and listeners share this process, so payloads need not be text. */
  readonly local: boolean;
  publish(topic: string, payload: unknown): Promise<void>;
  /** Listens on a topic until the returned function is called. */
  subscribe(topic: string, listener: (payload: unknown) => void): Promise<() => Promise<void>>;
  /** Resolves when the broker's backing service answers (for readiness checks). */
  ping(): Promise<void>;
  /**
   * Called after a lost connection to the broker is back: whatever was published meanwhile
   * never arrived and must be read from the database.
   */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}
