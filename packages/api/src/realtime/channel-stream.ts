// One consumer's view of one channel: backlog from a cursor, then live messages, in seq order,
// none twice. Used by every realtime transport (the /ws protocol and tRPC subscriptions).
import type { Queryable } from '@chat/db';
import { channelLastSeq, readHistory } from '../services/messages.js';
import type { Message } from '../services/views.js';
import type { ChannelEvent } from './events.js';
import type { RealtimeHub } from './hub.js';

export interface ChannelSink {
  message(message: Message): void;
  event(event: ChannelEvent): void;
  /** Resolves when the consumer can take more (asked before each message of a backlog). */
  writable?(): Promise<void>;
}

const backlogPageSize = 100;

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
    let cursor = after;
    for (;;) {
      const page = await readHistory(this.db, this.hub.fileUrls, {
        channelId: this.channelId,
        after: cursor,
        limit: backlogPageSize,
      });
      for (const message of page.items) {
        if (this.closed) return;
        const alreadySent = message.seq > this.deliveredFrom && message.seq <= this.lastDelivered;
        if (!alreadySent) {
          // Before each message, not each page: a page of long messages is megabytes, and a
          // consumer that reads slowly would be cut off as a slow consumer halfway through it.
          if (this.sink.writable) await this.sink.writable();
          if (this.closed) return;
          this.sink.message(message);
        }
        cursor = message.seq;
      }
      if (!page.hasMore) break;
    }
    this.deliveredFrom = Math.min(this.deliveredFrom, after);
    this.lastDelivered = Math.max(this.lastDelivered, cursor);
  }
}
