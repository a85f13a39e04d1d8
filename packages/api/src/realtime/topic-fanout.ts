// One broker subscription per topic per instance, however many local listeners it has: the
// event is parsed once (when it came from another process) and handed to each of them.
import type { Broker } from './broker.js';
import { eventOf } from './event-bus.js';
import type { ChatEvent } from './events.js';

type Listener = (event: ChatEvent) => void;

export class TopicFanout {
  private readonly listeners = new Set<Listener>();
  private readonly subscribed: Promise<() => Promise<void>>;

  constructor(
    broker: Broker,
    topic: string,
    private readonly onEmpty: () => void,
  ) {
    this.subscribed = broker.subscribe(topic, (payload) => this.dispatch(eventOf(broker, payload)));
  }

  /** Resolves once the broker subscription is live: events published after that arrive. */
  async add(listener: Listener): Promise<() => void> {
    const entry: Listener = (event) => listener(event);
    this.listeners.add(entry);
    try {
      await this.subscribed;
    } catch (error) {
      this.remove(entry);
      throw error;
    }
    return () => this.remove(entry);
  }

  private remove(entry: Listener) {
    if (!this.listeners.delete(entry) || this.listeners.size > 0) return;
    this.onEmpty();
    void this.subscribed.then((unsubscribe) => unsubscribe()).catch(() => {});
  }

  private dispatch(event: ChatEvent) {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // one consumer's failure must not starve the others
      }
    }
  }
}
