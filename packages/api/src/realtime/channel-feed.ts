// The messages of one channel, on this instance, in seq order, each once. Publishes from
// several instances can overtake each other, and a broker can drop one; seqs have no gaps in
// the database, so a missing seq is waited for briefly and then read from history.
import type { Queryable } from '@chat/db';
import { channelLastSeq, readHistory } from '../services/messages.js';
import type { FileUrlConfig } from '../services/file-urls.js';
import type { Message } from '../services/views.js';
import type { ChannelEvent } from './events.js';

export interface ChannelListener {
  /** Messages in strictly increasing seq with no gap, from the feed's start on. */
  message(message: Message): void;
  /** Every other event of the channel, as it arrives. */
  event(event: ChannelEvent): void;
}

export interface ChannelFeedOptions {
  /** How long a missing seq may be late before it is read from the database. */
  gapWaitMs: number;
}

export class ChannelFeed {
  private readonly listeners = new Set<ChannelListener>();
  /** The seq to emit next; null until the channel's position has been read. */
  private next: number | null = null;
  private readonly pending = new Map<number, Message>();
  private gapTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: Queryable,
    private readonly fileUrls: FileUrlConfig,
    readonly channelId: string,
    private readonly options: ChannelFeedOptions,
  ) {}

  /** Reads where the channel stands; call once the broker subscription is live. */
  async start(): Promise<void> {
    this.next = (await channelLastSeq(this.db, this.channelId)) + 1;
    for (const seq of this.pending.keys()) if (seq < this.next) this.pending.delete(seq);
    this.drain();
  }

  addListener(listener: ChannelListener) {
    this.listeners.add(listener);
  }

  /** True when that was the last listener. */
  removeListener(listener: ChannelListener): boolean {
    return this.listeners.delete(listener) && this.listeners.size === 0;
  }

  receive(event: ChannelEvent) {
    if (event.type === 'message') this.accept(event.message);
    else for (const listener of this.listeners) guard(() => listener.event(event));
  }

  /** Reads whatever was committed beyond what this feed has seen (after a broker outage). */
  async catchUp(): Promise<void> {
    if (this.closed || this.next === null) return;
    try {
      for (;;) {
        const page = await readHistory(this.db, this.fileUrls, {
          channelId: this.channelId,
          after: this.next - 1,
          limit: 100,
        });
        for (const message of page.items) this.accept(message);
        if (!page.hasMore || this.closed) break;
      }
    } catch {
      // still unreachable: the next message's gap or reconnect tries again
    }
  }

  close() {
    this.closed = true;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.pending.clear();
  }

  private accept(message: Message) {
    if (this.closed || (this.next !== null && message.seq < this.next)) return;
    this.pending.set(message.seq, message);
    this.drain();
  }

  private drain() {
    if (this.next === null) return;
    for (
      let message = this.pending.get(this.next);
      message;
      message = this.pending.get(this.next)
    ) {
      this.pending.delete(this.next);
      this.next += 1;
      for (const listener of this.listeners) guard(() => listener.message(message));
    }
    if (this.pending.size === 0) {
      if (this.gapTimer) clearTimeout(this.gapTimer);
      this.gapTimer = null;
    } else {
      this.gapTimer ??= setTimeout(() => void this.fillGap(), this.options.gapWaitMs);
    }
  }

  private async fillGap() {
    this.gapTimer = null;
    if (this.closed || this.next === null || this.pending.size === 0) return;
    const until = Math.min(...this.pending.keys());
    try {
      while (this.next !== null && this.next < until && !this.closed) {
        const page = await readHistory(this.db, this.fileUrls, {
          channelId: this.channelId,
          after: this.next - 1,
          limit: Math.min(100, until - this.next),
        });
        if (page.items.length === 0) break;
        for (const message of page.items) this.accept(message);
      }
    } catch {
      // the database is away: try again after the same wait
    }
    this.drain();
  }
}

function guard(fn: () => void) {
  try {
    fn();
  } catch {
    // a listener's failure is its own
  }
}
