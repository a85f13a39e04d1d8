import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Broker } from './broker.js';
import { InProcessBroker } from './in-process-broker.js';
import { RedisBroker } from './redis-broker.js';
import {
  openTestRedis,
  testRealtimeKinds,
  testRedisUrl,
  uniqueKeyPrefix,
  type RealtimeKind,
} from './testing.js';

interface BrokerFixture {
  /** The broker of one more server. In-process there is one process, hence one broker. */
  open(): Broker;
  /** Errors the brokers reported (listeners that threw, connections dropped). */
  errors: unknown[];
  /** The Redis channel of a topic. */
  channel(topic: string): string;
  /** Prefix of the brokers' Redis connection names. */
  connectionName: string;
  dispose(): Promise<void>;
}

function createBrokerFixture(kind: RealtimeKind): BrokerFixture {
  const errors: unknown[] = [];
  const onError = (error: unknown) => void errors.push(error);
  const keyPrefix = uniqueKeyPrefix();
  const connectionName = `test-broker-${keyPrefix.replaceAll(':', '-')}`;
  const channel = (topic: string) => keyPrefix + topic;
  if (kind === 'in-process') {
    const broker = new InProcessBroker({ onError });
    return { open: () => broker, errors, channel, connectionName, dispose: () => broker.close() };
  }
  const brokers: RedisBroker[] = [];
  return {
    open: () => {
      const broker = new RedisBroker(testRedisUrl(), { keyPrefix, onError, connectionName });
      brokers.push(broker);
      return broker;
    },
    errors,
    channel,
    connectionName,
    dispose: async () => {
      await Promise.all(brokers.map((broker) => broker.close()));
    },
  };
}

function recorder() {
  const payloads: string[] = [];
  return { payloads, listener: (payload: unknown) => void payloads.push(payload as string) };
}

/**
 * Publishes a marker on a topic the recorder listens to and waits for it: what was published
 * before on the same broker has been delivered by then, or never will be.
 */
async function flush(broker: Broker, topic: string, marker: ReturnType<typeof recorder>) {
  const token = `flush-${marker.payloads.length}`;
  await broker.publish(topic, token);
  await vi.waitFor(() => expect(marker.payloads).toContain(token));
}

describe.each(testRealtimeKinds())('broker on %s', (kind) => {
  let fx: BrokerFixture;
  beforeEach(() => {
    fx = createBrokerFixture(kind);
  });
  afterEach(() => fx.dispose());

  it('delivers what is published after subscribe resolved, in order and unchanged', async () => {
    const broker = fx.open();
    const received = recorder();
    await broker.subscribe('room', received.listener);
    const sent = [...Array.from({ length: 50 }, (_, i) => `m${i}`), '{"text":"héllo 👋"}', ''];
    for (const payload of sent) await broker.publish('room', payload);
    await vi.waitFor(() => expect(received.payloads).toEqual(sent));
  });

  it('delivers nothing on a topic nobody subscribed to', async () => {
    const broker = fx.open();
    const received = recorder();
    await broker.subscribe('room', received.listener);
    await broker.publish('other-room', 'lost');
    await broker.publish('room:1', 'lost');
    await flush(broker, 'room', received);
    expect(received.payloads).toEqual(['flush-0']);
  });

  it('delivers to every subscriber of a topic, the same function subscribed twice included', async () => {
    const broker = fx.open();
    const first = recorder();
    const second = recorder();
    await broker.subscribe('room', first.listener);
    await broker.subscribe('room', second.listener);
    await broker.subscribe('room', second.listener);
    await broker.publish('room', 'hi');
    await vi.waitFor(() => expect(second.payloads).toEqual(['hi', 'hi']));
    expect(first.payloads).toEqual(['hi']);
  });

  it('stops delivering to a listener once unsubscribed, and a second unsubscribe changes nothing', async () => {
    const broker = fx.open();
    const leaving = recorder();
    const staying = recorder();
    const marker = recorder();
    await broker.subscribe('marker', marker.listener);
    const leave = await broker.subscribe('room', leaving.listener);
    const stay = await broker.subscribe('room', staying.listener);
    await leave();
    await leave();
    await broker.publish('room', 'after leave');
    await vi.waitFor(() => expect(staying.payloads).toEqual(['after leave']));
    await stay();
    await broker.publish('room', 'after everyone left');
    await flush(broker, 'marker', marker);
    expect(leaving.payloads).toEqual([]);
    expect(staying.payloads).toEqual(['after leave']);
  });

  it('shares one subscription between concurrent subscribes of a topic', async () => {
    const broker = fx.open();
    const first = recorder();
    const second = recorder();
    const [leaveFirst] = await Promise.all([
      broker.subscribe('room', first.listener),
      broker.subscribe('room', second.listener),
    ]);
    await leaveFirst();
    await broker.publish('room', 'still here');
    await vi.waitFor(() => expect(second.payloads).toEqual(['still here']));
    expect(first.payloads).toEqual([]);
  });

  it('subscribes again after unsubscribing from a topic', async () => {
    const broker = fx.open();
    const received = recorder();
    const leave = await broker.subscribe('room', received.listener);
    await leave();
    const leaveAgain = await broker.subscribe('room', received.listener);
    await broker.publish('room', 'back');
    await vi.waitFor(() => expect(received.payloads).toEqual(['back']));
    // subscribing while the last unsubscribe is still under way
    const leaving = leaveAgain();
    await broker.subscribe('room', received.listener);
    await leaving;
    await broker.publish('room', 'back again');
    await vi.waitFor(() => expect(received.payloads).toEqual(['back', 'back again']));
  });

  it('carries publishes between server instances', async () => {
    const serverA = fx.open();
    const serverB = fx.open();
    const onA = recorder();
    const onB = recorder();
    await serverA.subscribe('room-a', onA.listener);
    await serverB.subscribe('room-b', onB.listener);
    await serverA.publish('room-b', 'from A');
    await serverB.publish('room-a', 'from B');
    await vi.waitFor(() => expect(onB.payloads).toEqual(['from A']));
    await vi.waitFor(() => expect(onA.payloads).toEqual(['from B']));
  });

  it('keeps delivering to the other listeners when one throws, and reports the error', async () => {
    const broker = fx.open();
    const before = recorder();
    const after = recorder();
    const failure = new Error('listener failed');
    await broker.subscribe('room', before.listener);
    await broker.subscribe('room', () => {
      throw failure;
    });
    await broker.subscribe('room', after.listener);
    await broker.publish('room', 'one');
    await broker.publish('room', 'two');
    await vi.waitFor(() => expect(after.payloads).toEqual(['one', 'two']));
    expect(before.payloads).toEqual(['one', 'two']);
    expect(fx.errors).toEqual([failure, failure]);
  });

  // Only Redis has connections to look into: registered for it alone.
  if (kind === 'redis') {
    describe('on Redis', () => {
      let redis: Redis;
      beforeAll(() => {
        redis = openTestRedis();
      });
      afterAll(() => redis.quit());

      const subscribers = async (topic: string) => {
        const [, count] = (await redis.pubsub('NUMSUB', fx.channel(topic))) as [string, number];
        return Number(count);
      };

      it('subscribes each instance only to its topics, and unsubscribes with the last listener', async () => {
        const serverA = fx.open();
        const serverB = fx.open();
        const leaveFirst = await serverA.subscribe('room', () => {});
        const leaveSecond = await serverA.subscribe('room', () => {});
        expect(await subscribers('room')).toBe(1);
        const leaveB = await serverB.subscribe('room', () => {});
        expect(await subscribers('room')).toBe(2);
        await leaveFirst();
        expect(await subscribers('room')).toBe(2);
        await leaveSecond();
        expect(await subscribers('room')).toBe(1);
        await leaveB();
        expect(await subscribers('room')).toBe(0);
        expect(await redis.pubsub('CHANNELS', `${fx.channel('')}*`)).toEqual([]);
      });

      it('sends one SUBSCRIBE for concurrent subscribes of a topic', async () => {
        const monitor = await redis.monitor();
        try {
          const commands: string[][] = [];
          monitor.on('monitor', (_time: string, args: string[]) => {
            if (args.includes(fx.channel('room')))
              commands.push(args.map((arg) => arg.toLowerCase()));
          });
          const broker = fx.open();
          const leaves = await Promise.all([1, 2, 3].map(() => broker.subscribe('room', () => {})));
          for (const leave of leaves) await leave();
          await vi.waitFor(() =>
            expect(commands.map(([name]) => name)).toEqual(['subscribe', 'unsubscribe']),
          );
        } finally {
          monitor.disconnect();
        }
      });

      it('receives again after its subscriber connection was killed', async () => {
        const broker = fx.open();
        const received = recorder();
        await broker.subscribe('room', received.listener);
        const clients = (await redis.client('LIST', 'TYPE', 'PUBSUB')) as string;
        const id = /id=(\d+) [^\n]* name=([^ ]+)/g;
        const ours = [...clients.matchAll(id)].filter(
          ([, , name]) => name === `${fx.connectionName}-subscriber`,
        );
        expect(ours).toHaveLength(1);
        await redis.client('KILL', 'ID', String(ours[0]?.[1]));
        // Pub/sub drops what is published while disconnected (clients resume from the database).
        await vi.waitFor(
          async () => {
            await broker.publish('room', 'again');
            expect(received.payloads).toContain('again');
          },
          { timeout: 10_000, interval: 100 },
        );
      });
    });
  }
});
