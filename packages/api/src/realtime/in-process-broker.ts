import type { Broker } from './broker.js';

/** The embedded default: every subscriber lives in this process. */
export class InProcessBroker implements Broker {
  private readonly topics = new Map<string, Set<(payload: string) => void>>();

  publish(topic: string, payload: string): Promise<void> {
    for (const listener of this.topics.get(topic) ?? []) listener(payload);
    return Promise.resolve();
  }

  subscribe(topic: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    // a copy per subscription, so the same function may subscribe twice
    const entry = (payload: string) => listener(payload);
    let listeners = this.topics.get(topic);
    if (!listeners) this.topics.set(topic, (listeners = new Set()));
    listeners.add(entry);
    return Promise.resolve(() => {
      listeners.delete(entry);
      if (listeners.size === 0 && this.topics.get(topic) === listeners) this.topics.delete(topic);
      return Promise.resolve();
    });
  }

  close(): Promise<void> {
    this.topics.clear();
    return Promise.resolve();
  }
}
