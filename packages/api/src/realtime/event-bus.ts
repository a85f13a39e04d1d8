// Chat events over a broker: each event goes to the topic of its channel (or of its user),
// serialised once however many instances and sockets receive it.
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
  if (event.type === 'access_revoked') return [userTopic(event.userId)];
  const topics = [channelTopic(event.channelId)];
  // The user's own connections learn of their joins and leaves, to start or stop listening.
  if (event.type === 'join' || event.type === 'leave') topics.push(userTopic(event.userId));
  return topics;
}

export class EventBus implements EventPublisher {
  constructor(readonly broker: Broker) {}

  async publish(event: ChatEvent): Promise<void> {
    const payload = JSON.stringify(event);
    await Promise.all(topicsOf(event).map((topic) => this.broker.publish(topic, payload)));
  }

  async subscribe(
    topic: string,
    listener: (event: ChatEvent) => void,
  ): Promise<() => Promise<void>> {
    return this.broker.subscribe(topic, (payload) => listener(JSON.parse(payload) as ChatEvent));
  }
}
