// The broker shared by several server instances through Redis pub/sub. Each instance subscribes
// only to the topics its own connections listen to (one SUBSCRIBE per topic, however many
// local listeners), so a message reaches only the instances that need it. Publishes made in one
// tick of the event loop go to Redis together, as one pipeline (ioredis auto-pipelining).
import type { Redis } from 'ioredis';
import type { Broker } from './broker.js';
import {
  closeRedis,
  openRedis,
  readyOrTimeout,
  reportTo,
  type ErrorReporter,
  type RedisConnection,
} from './redis-connection.js';

export interface RedisBrokerOptions {
  /** Put before every topic to name its Redis channel, to share one Redis between deployments. */
  keyPrefix?: string;
  /** Names the two connections `<name>-publisher` and `<name>-subscriber` in CLIENT LIST. */
  connectionName?: string;
  /** Where connection errors and errors thrown by listeners go; console.error by default. */
  onError?: ErrorReporter;
}

type Listener = (payload: unknown) => void;

interface Subscription {
  listeners: Set<Listener>;
  /** The SUBSCRIBE of the first local listener, which later ones wait for too. */
  subscribed: Promise<unknown>;
}

export class RedisBroker implements Broker {
  readonly local = false;
  private readonly publisher: Redis;
  /** A connection of its own: once subscribed under RESP2 it may only (un)subscribe. */
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly onError: ErrorReporter;
  /** By channel (prefixed topic). */
  private readonly subscriptions = new Map<string, Subscription>();
  /**
   * The first connection of both clients (or a moment's wait for it): commands fail at once
   * while disconnected, so the first ones wait for the connection the constructor opened.
   */
  private readonly started: Promise<unknown>;

  constructor(redis: RedisConnection, options: RedisBrokerOptions = {}) {
    this.prefix = options.keyPrefix ?? '';
    this.onError = options.onError ?? reportTo('redis-broker');
    const name = options.connectionName ?? 'chat';
    this.publisher = openRedis(
      redis,
      { connectionName: `${name}-publisher`, enableAutoPipelining: true },
      this.onError,
    );
    // After a reconnect ioredis subscribes again to every channel it was subscribed to.
    this.subscriber = openRedis(
      redis,
      { connectionName: `${name}-subscriber`, autoResubscribe: true },
      this.onError,
    );
    this.subscriber.on('message', (channel: string, payload: string) =>
      this.dispatch(channel, payload),
    );
    this.started = Promise.all([
      readyOrTimeout(this.publisher, 2_000),
      readyOrTimeout(this.subscriber, 2_000),
    ]);
    let connectedBefore = false;
    this.subscriber.on('ready', () => {
      if (connectedBefore) for (const listener of this.reconnectListeners) listener();
      connectedBefore = true;
    });
  }

  private readonly reconnectListeners: (() => void)[] = [];

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /** Both connections answer (PING is allowed in subscriber mode). */
  async ping(): Promise<void> {
    await this.started;
    await Promise.all([this.publisher.ping(), this.subscriber.ping()]);
  }

  /** Text goes as it is; anything else as its JSON. */
  async publish(topic: string, payload: unknown): Promise<void> {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    await this.started;
    await this.publisher.publish(this.prefix + topic, text);
  }

  async subscribe(topic: string, listener: Listener): Promise<() => Promise<void>> {
    const channel = this.prefix + topic;
    // a copy per subscription, so the same function may subscribe twice
    const entry: Listener = (payload) => listener(payload);
    let subscription = this.subscriptions.get(channel);
    if (!subscription) {
      // Set synchronously, before any await, so a concurrent subscribe joins this SUBSCRIBE.
      subscription = {
        listeners: new Set(),
        subscribed: this.started.then(() => this.subscriber.subscribe(channel)),
      };
      this.subscriptions.set(channel, subscription);
    }
    subscription.listeners.add(entry);
    try {
      await subscription.subscribed;
    } catch (error) {
      await this.release(channel, subscription, entry);
      throw error;
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      await this.release(channel, subscription, entry);
    };
  }

  async close(): Promise<void> {
    this.subscriptions.clear();
    await Promise.all([closeRedis(this.publisher), closeRedis(this.subscriber)]);
  }

  private dispatch(channel: string, payload: string): void {
    const subscription = this.subscriptions.get(channel);
    if (!subscription) return;
    for (const listener of [...subscription.listeners]) {
      try {
        listener(payload);
      } catch (error) {
        // one failing socket must not cost the others their message
        this.onError(error);
      }
    }
  }

  /** Forgets a local listener; the last one of a channel unsubscribes this instance from it. */
  private async release(
    channel: string,
    subscription: Subscription,
    entry: Listener,
  ): Promise<void> {
    subscription.listeners.delete(entry);
    if (subscription.listeners.size > 0 || this.subscriptions.get(channel) !== subscription) return;
    this.subscriptions.delete(channel);
    // A later subscribe to the channel sends its SUBSCRIBE after this UNSUBSCRIBE on the same
    // connection, so Redis ends up subscribed.
    try {
      await this.subscriber.unsubscribe(channel);
    } catch (error) {
      // Locally nobody listens any more: messages that still arrive are dropped.
      this.onError(error);
    }
  }
}
