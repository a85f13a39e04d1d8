// Chat events over a broker: each event goes to the topic of its channel (or of its user). In
// one process the event object itself reaches every listener; across processes it is
// serialised once, however many topics, instances and sockets receive it.
import type { EventPublisher } from '../services/deps.js';
import type { Broker } from './broker.js';
import type { ChatEvent } from './events.js';

export const channelTopic = (channelId: string) => `channel:${channelId}`;
export const userTopic = (userId: string) => `user:${userId}`;
/** Everyone listens here: only what any user may see (public channels being made). */
export const publicTopic = 'public';

export function topicsOf(event: ChatEvent): string[] {
  if (event.type === 'presence' || event.type === 'user_updated')
    return event.channelIds.map(channelTopic);
  if (event.type === 'channel_created') return [publicTopic];
  if (event.type === 'access_revoked' || event.type === 'channel_muted')
    return [userTopic(event.userId)];
  const topics = [channelTopic(event.channelId)];
  // The user's own connections learn of their joins and leaves, to start or stop listening.
  if (event.type === 'join' || event.type === 'leave') topics.push(userTopic(event.userId));
  return topics;
}

export class EventBus implements EventPublisher {
  constructor(readonly broker: Broker) {}

  async publish(event: ChatEvent): Promise<void> {
    const payload = this.broker.local ? event : JSON.stringify(event);
    await Promise.all(topicsOf(event).map((topic) => this.broker.publish(topic, payload)));
  }
}

/** The event a broker's listener received: as published in process, parsed from its text otherwise. */
export const eventOf = (broker: Broker, payload: unknown): ChatEvent =>
  (broker.local ? payload : JSON.parse(payload as string)) as ChatEvent;
