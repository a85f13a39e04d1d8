// Typing indicators: never stored, throttled per user and channel, forgotten after a few seconds.
import { memberChannel } from './access.js';
import type { Actor, ServiceDeps } from './deps.js';

/** How long a typing indicator lasts without being renewed. */
export const typingExpiryMs = 5_000;

/** At most one typing event per user and channel in this window (per instance). */
export class TypingThrottle {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly windowMs = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True if the user may announce typing in the channel now (and records that they did). */
  take(userId: string, channelId: string): boolean {
    const key = `${userId}:${channelId}`;
    const time = this.now();
    const previous = this.last.get(key);
    if (previous !== undefined && time - previous < this.windowMs) return false;
    this.last.set(key, time);
    if (this.last.size > 10_000) this.prune(time);
    return true;
  }

  private prune(time: number) {
    for (const [key, at] of this.last) if (time - at >= this.windowMs) this.last.delete(key);
  }
}

/** Tells the channel that the actor is typing; false when throttled (nothing was sent). */
export async function announceTyping(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
): Promise<boolean> {
  await memberChannel(deps.db, actor, channelId);
  if (!deps.typing.take(actor.userId, channelId)) return false;
  await deps.events.publish({
    type: 'typing',
    channelId,
    userId: actor.userId,
    username: actor.username,
  });
  return true;
}
