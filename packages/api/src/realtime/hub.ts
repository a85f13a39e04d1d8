// This instance's side of the realtime fan-out: a broker subscription per channel or user that
// some local connection needs (and none other), shared by all of them.
import type { Queryable } from '@chat/db';
import type { FileUrlConfig } from '../services/file-urls.js';
import { typingExpiryMs } from '../services/typing.js';
import type { Broker } from './broker.js';
import { ChannelFeed, type ChannelListener } from './channel-feed.js';
import { channelTopic, publicTopic, userTopic } from './event-bus.js';
import type { ChannelEvent, ChatEvent } from './events.js';
import { TopicFanout } from './topic-fanout.js';

export interface RealtimeHubOptions {
  /** How long a channel's missing seq may be late before it is read from the database. */
  gapWaitMs?: number;
  /** How long a typing indicator lasts without being renewed (5 s; tests shorten it). */
  typingExpiryMs?: number;
  /** Events a subscription may fall behind by before it is cut off (10 000; tests shorten it). */
  subscriberBacklogLimit?: number;
}

export interface RealtimeHubDeps {
  db: Queryable;
  broker: Broker;
  /** Signs the attachment URLs of messages read from the database (backlogs, gaps). */
  fileUrls: FileUrlConfig;
}

interface FeedEntry {
  feed: ChannelFeed;
  /** Resolves to the function that ends the feed's broker subscription. */
  ready: Promise<() => void>;
}

export class RealtimeHub {
  private readonly feeds = new Map<string, FeedEntry>();
  private readonly userFanouts = new Map<string, TopicFanout>();
  private publicFanout: TopicFanout | null = null;
  private readonly gapWaitMs: number;
  readonly typingExpiryMs: number;
  readonly subscriberBacklogLimit: number;

  private readonly db: Queryable;
  private readonly broker: Broker;
  readonly fileUrls: FileUrlConfig;

  constructor(deps: RealtimeHubDeps, options: RealtimeHubOptions = {}) {
    this.db = deps.db;
    this.broker = deps.broker;
    this.fileUrls = deps.fileUrls;
    this.gapWaitMs = options.gapWaitMs ?? 250;
    this.typingExpiryMs = options.typingExpiryMs ?? typingExpiryMs;
    this.subscriberBacklogLimit = options.subscriberBacklogLimit ?? 10_000;
  }

  /**
   * Listens to a channel: its messages in seq order (each once) and its other events. Resolves
   * once live; every message committed after that reaches the listener.
   */
  async watchChannel(channelId: string, listener: ChannelListener): Promise<() => void> {
    let entry = this.feeds.get(channelId);
    if (!entry) entry = this.openFeed(channelId);
    const { feed } = entry;
    feed.addListener(listener);
    try {
      await entry.ready;
    } catch (error) {
      this.release(channelId, entry, listener);
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(channelId, entry, listener);
    };
  }

  /** Listens to the events addressed to one user (their joins and leaves). */
  async watchUser(userId: string, listener: (event: ChatEvent) => void): Promise<() => void> {
    let fanout = this.userFanouts.get(userId);
    if (!fanout) {
      fanout = new TopicFanout(this.broker, userTopic(userId), () =>
        this.userFanouts.delete(userId),
      );
      this.userFanouts.set(userId, fanout);
    }
    return fanout.add(listener);
  }

  /** Listens to the events every user may see (public channels being made). */
  async watchPublic(listener: (event: ChatEvent) => void): Promise<() => void> {
    this.publicFanout ??= new TopicFanout(this.broker, publicTopic, () => {
      this.publicFanout = null;
    });
    return this.publicFanout.add(listener);
  }

  private openFeed(channelId: string): FeedEntry {
    const feed = new ChannelFeed(this.db, this.fileUrls, channelId, { gapWaitMs: this.gapWaitMs });
    const fanout = new TopicFanout(this.broker, channelTopic(channelId), () => {});
    const ready = fanout
      .add((event) => feed.receive(event as ChannelEvent))
      .then(async (stop) => {
        await feed.start();
        return stop;
      });
    const entry: FeedEntry = { feed, ready };
    this.feeds.set(channelId, entry);
    return entry;
  }

  private release(channelId: string, entry: FeedEntry, listener: ChannelListener) {
    if (!entry.feed.removeListener(listener)) return;
    if (this.feeds.get(channelId) === entry) this.feeds.delete(channelId);
    entry.feed.close();
    void entry.ready.then((stop) => stop()).catch(() => {});
  }

  /** Channels this instance listens to now (for tests and metrics). */
  get watchedChannelCount() {
    return this.feeds.size;
  }
}
