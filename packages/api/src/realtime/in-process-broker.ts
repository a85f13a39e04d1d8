import type { Broker } from './broker.js';

export interface InProcessBrokerOptions {
  /** Where errors thrown by listeners go; console.error by default. */
  onError?: (error: unknown) => void;
}

/** The embedded default: every subscriber lives in this process, and gets the payload itself. */
export class InProcessBroker implements Broker {
  readonly local = true;
  private readonly topics = new Map<string, Set<(payload: unknown) => void>>();
  private readonly onError: (error: unknown) => void;

  constructor(options: InProcessBrokerOptions = {}) {
    this.onError = options.onError ?? ((error) => console.error('[in-process-broker]', error));
  }

  publish(topic: string, payload: unknown): Promise<void> {
    for (const listener of this.topics.get(topic) ?? []) {
      // As with Redis: one failing listener neither starves the others nor fails the publisher.
      try {
        listener(payload);
      } catch (error) {
        this.onError(error);
      }
    }
    return Promise.resolve();
  }

  subscribe(topic: string, listener: (payload: unknown) => void): Promise<() => Promise<void>> {
    // a copy per subscription, so the same function may subscribe twice
    const entry = (payload: unknown) => listener(payload);
    let listeners = this.topics.get(topic);
    if (!listeners) this.topics.set(topic, (listeners = new Set()));
    listeners.add(entry);
    return Promise.resolve(() => {
      listeners.delete(entry);
      if (listeners.size === 0 && this.topics.get(topic) === listeners) this.topics.delete(topic);
      return Promise.resolve();
    });
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  // Nothing between publisher and subscriber can be lost in one process.
  onReconnect(_listener: () => void): void {}

  close(): Promise<void> {
    this.topics.clear();
    return Promise.resolve();
  }
}
