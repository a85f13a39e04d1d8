/** Topic-based publish/subscribe between server instances. Payloads are serialised once. */
export interface Broker {
  publish(topic: string, payload: string): Promise<void>;
  /** Listens on a topic until the returned function is called. */
  subscribe(topic: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
