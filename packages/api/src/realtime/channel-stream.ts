// One consumer's view of one channel: backlog from a cursor, then live messages, in seq order,
// none twice. Used by every realtime transport (the /ws protocol and tRPC subscriptions).
import type { Queryable } from '@chat/db';
import { channelLastSeq, readHistory, type History } from '../services/messages.js';
import type { Message } from '../services/views.js';
import type { ChannelEvent } from './events.js';
import type { RealtimeHub } from './hub.js';

export interface ChannelSink {
  /**
   * `fromBacklog`: read from the database for this consumer alone (no other consumer gets this
   * object), not a live message shared by every consumer of the channel.
   */
  message(message: Message, fromBacklog?: boolean): void;
  event(event: ChannelEvent): void;
  /**
   * Asked before each message of a backlog: nothing when the consumer can take more now, else
   * a promise that resolves when it can.
   */
  writable?(): Promise<void> | void;
}

/**
 * Messages read per statement of a backlog. Large, so a resume of thousands is a few round
 * trips; the next page is read while this one is being sent.
 */
export const backlogPageSize = 500;

export class ChannelStream {
  /** Delivered so far: every seq in (deliveredFrom, lastDelivered]. */
  private deliveredFrom = 0;
  private lastDelivered = 0;
  /** Live messages wait here while a backlog is being sent or the consumer holds them. */
  private held: Message[] = [];
  private holds = 0;
  private stopWatching: (() => void) | null = null;
  private closed = false;

  private constructor(
    private readonly db: Queryable,
    private readonly hub: RealtimeHub,
    readonly channelId: string,
    private readonly sink: ChannelSink,
  ) {}

  /**
   * Starts listening, then sends every message after `after` (or, without it, only what comes
   * from now on). Listening starts before the backlog is read, so nothing falls between.
   */
  static async open(
    hub: RealtimeHub,
    db: Queryable,
    channelId: string,
    sink: ChannelSink,
    after?: number,
  ): Promise<ChannelStream> {
    const stream = new ChannelStream(db, hub, channelId, sink);
    const release = stream.hold();
    try {
      stream.stopWatching = await hub.watchChannel(channelId, {
        message: (message) => stream.live(message),
        event: (event) => {
          if (!stream.closed) sink.event(event);
        },
      });
      if (after === undefined) {
        const now = await channelLastSeq(db, channelId);
        stream.deliveredFrom = stream.lastDelivered = now;
      } else {
        stream.deliveredFrom = stream.lastDelivered = after;
        await stream.sendBacklog(after);
      }
    } catch (error) {
      stream.close();
      throw error;
    } finally {
      release();
    }
    return stream;
  }

  /** Sends what came after `after` and was not sent yet (a client's resume). */
  async resume(after: number): Promise<void> {
    if (after >= this.deliveredFrom) return;
    const release = this.hold();
    try {
      await this.sendBacklog(after);
    } finally {
      release();
    }
  }

  /** Holds live messages back until the returned function is called. */
  hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      if (this.holds === 0) this.flushHeld();
    };
  }

  close() {
    this.closed = true;
    this.held = [];
    this.stopWatching?.();
    this.stopWatching = null;
  }

  private live(message: Message) {
    if (this.closed) return;
    if (this.holds > 0) this.held.push(message);
    else this.deliver(message);
  }

  private flushHeld() {
    const held = this.held;
    this.held = [];
    for (const message of held) this.deliver(message);
  }

  private deliver(message: Message) {
    if (this.closed || message.seq <= this.lastDelivered) return;
    this.lastDelivered = message.seq;
    this.sink.message(message);
  }

  private async sendBacklog(after: number) {
    const read = (from: number) =>
      readHistory(this.db, this.hub.fileUrls, {
        channelId: this.channelId,
        after: from,
        limit: backlogPageSize,
      });
    let cursor = after;
    let next: Promise<History> | null = read(cursor);
    while (next) {
      const page: History = await next;
      const last = page.items.at(-1);
      next = page.hasMore && last ? read(last.seq) : null;
      // a failed read ahead is seen when it is awaited, not as an unhandled rejection
      next?.catch(() => {});
      for (const message of page.items) {
        if (this.closed) return;
        const alreadySent = message.seq > this.deliveredFrom && message.seq <= this.lastDelivered;
        if (!alreadySent) {
          // Before each message, not each page: a page of long messages is megabytes, and a
          // consumer that reads slowly would be cut off as a slow consumer halfway through it.
          const full = this.sink.writable?.();
          if (full) await full;
          if (this.closed) return;
          this.sink.message(message, true);
        }
        cursor = message.seq;
      }
    }
    this.deliveredFrom = Math.min(this.deliveredFrom, after);
    this.lastDelivered = Math.max(this.lastDelivered, cursor);
  }
}
