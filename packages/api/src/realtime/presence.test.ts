import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InMemoryPresence, type PresenceStore } from './presence.js';
import { RedisPresence } from './redis-presence.js';
import {
  deleteKeys,
  openTestRedis,
  testRealtimeKinds,
  testRedisUrl,
  uniqueKeyPrefix,
  type RealtimeKind,
} from './testing.js';

// Short enough to keep the suite fast; a crashed server is noticed within ttl + one heartbeat.
const ttlMs = 300;
const heartbeatMs = 100;

interface PresenceFixture {
  /** The store of one more server. In-process there is one process, hence one store. */
  open(): PresenceStore;
  /** Errors the stores reported. */
  errors: unknown[];
  dispose(): Promise<void>;
}

function createPresenceFixture(kind: RealtimeKind, redis: () => Redis): PresenceFixture {
  const errors: unknown[] = [];
  const onError = (error: unknown) => void errors.push(error);
  if (kind === 'in-process') {
    const store = new InMemoryPresence();
    return { open: () => store, errors, dispose: () => store.close() };
  }
  const keyPrefix = uniqueKeyPrefix();
  const stores: RedisPresence[] = [];
  return {
    open: () => {
      const store = new RedisPresence({
        redis: testRedisUrl(),
        keyPrefix,
        ttlMs,
        heartbeatMs,
        onError,
      });
      stores.push(store);
      return store;
    },
    errors,
    dispose: async () => {
      await Promise.all(stores.map((store) => store.close()));
      await deleteKeys(redis(), keyPrefix);
    },
  };
}

let counter = 0;
const uniqueUser = (name = 'user') => `${name}-${(counter++).toString(36)}`;

/** Every batch a store reported through onUsersOffline. */
function offlineReports(store: PresenceStore) {
  const batches: string[][] = [];
  store.onUsersOffline((userIds) => batches.push(userIds));
  return batches;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries an assertion on real timers: vi.waitFor would advance the fake ones of a frozen store. */
async function until(assertion: () => unknown, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(10);
    }
  }
}

describe.each(testRealtimeKinds())('presence on %s', (kind) => {
  let redis: Redis | undefined;
  const testRedis = () => (redis ??= openTestRedis());
  afterAll(() => redis?.quit());

  let fx: PresenceFixture;
  beforeEach(() => {
    fx = createPresenceFixture(kind, testRedis);
  });
  afterEach(async () => {
    await fx.dispose();
    expect(fx.errors).toEqual([]);
  });

  it('reports only the first connection of a user and only the last disconnect', async () => {
    const store = fx.open();
    const user = uniqueUser();
    await expect(store.connect(user, 'c1')).resolves.toBe(true);
    await expect(store.connect(user, 'c2')).resolves.toBe(false);
    await expect(store.connectedUserIds([user, uniqueUser('stranger')])).resolves.toEqual(
      new Set([user]),
    );
    await expect(store.disconnect(user, 'c1')).resolves.toBe(false);
    await expect(store.connectedUserIds([user])).resolves.toEqual(new Set([user]));
    await expect(store.disconnect(user, 'c2')).resolves.toBe(true);
    await expect(store.connectedUserIds([user])).resolves.toEqual(new Set());
    await expect(store.connect(user, 'c3')).resolves.toBe(true);
  });

  it('ignores the disconnect of a connection it does not know', async () => {
    const store = fx.open();
    const user = uniqueUser();
    await expect(store.disconnect(user, 'never')).resolves.toBe(false);
    await store.connect(user, 'c1');
    await expect(store.disconnect(user, 'never')).resolves.toBe(false);
    await expect(store.disconnect(user, 'c1')).resolves.toBe(true);
    await expect(store.disconnect(user, 'c1')).resolves.toBe(false);
  });

  it('answers for many users in one call', async () => {
    const store = fx.open();
    const users = Array.from({ length: 200 }, () => uniqueUser());
    const online = users.filter((_, i) => i % 3 === 0);
    await Promise.all(online.map((user) => store.connect(user, `c-${user}`)));
    await expect(store.connectedUserIds(users)).resolves.toEqual(new Set(online));
    await expect(store.connectedUserIds([])).resolves.toEqual(new Set());
  });

  it('sees a user connected on one server from another, until their last connection anywhere closes', async () => {
    const serverA = fx.open();
    const serverB = fx.open();
    const user = uniqueUser();
    await expect(serverA.connect(user, 'on-a')).resolves.toBe(true);
    await expect(serverB.connectedUserIds([user])).resolves.toEqual(new Set([user]));
    await expect(serverB.connect(user, 'on-b')).resolves.toBe(false);
    await expect(serverA.disconnect(user, 'on-a')).resolves.toBe(false);
    await expect(serverA.connectedUserIds([user])).resolves.toEqual(new Set([user]));
    await expect(serverB.disconnect(user, 'on-b')).resolves.toBe(true);
    await expect(serverA.connectedUserIds([user])).resolves.toEqual(new Set());
  });

  // The connects also arrive while both servers' first heartbeat is in flight: a regression test
  // for connections written twice then, which made each server see the other's and both say false.
  it('counts one first connection and one last disconnect per user when servers race', async () => {
    const serverA = fx.open();
    const serverB = fx.open();
    const users = Array.from({ length: 50 }, () => uniqueUser());
    const firsts = await Promise.all(
      users.map((user) =>
        Promise.all([serverA.connect(user, 'on-a'), serverB.connect(user, 'on-b')]),
      ),
    );
    expect(firsts.map(([a, b]) => Number(a) + Number(b))).toEqual(users.map(() => 1));
    const lasts = await Promise.all(
      users.map((user) =>
        Promise.all([serverA.disconnect(user, 'on-a'), serverB.disconnect(user, 'on-b')]),
      ),
    );
    expect(lasts.map(([a, b]) => Number(a) + Number(b))).toEqual(users.map(() => 1));
    await expect(serverA.connectedUserIds(users)).resolves.toEqual(new Set());
  });

  // Only Redis has connections to look into: registered for it alone.
  if (kind === 'redis') {
    describe('when a server stops heartbeating', () => {
      afterEach(() => {
        vi.useRealTimers();
      });

      /** Opens a store whose heartbeats run only when the test advances its timers. */
      const openFrozen = () => {
        vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
        return fx.open();
      };

      it('reports its users offline once, through one survivor, within ttl + one heartbeat', async () => {
        const crashed = fx.open();
        const survivors = [fx.open(), fx.open()];
        const reports = survivors.map(offlineReports);
        const [alone1, alone2, elsewhere] = [
          uniqueUser('alone'),
          uniqueUser('alone'),
          uniqueUser('elsewhere'),
        ];
        await crashed.connect(alone1, 'c1');
        await crashed.connect(alone2, 'c2');
        await crashed.connect(alone2, 'c3');
        await crashed.connect(elsewhere, 'c4');
        await survivors[1]?.connect(elsewhere, 'c5');

        const crashedAt = Date.now();
        // close() stops the heartbeat and leaves the connections, as a crash would
        await crashed.close();
        const [observer] = survivors;
        if (!observer) throw new Error('no survivor');
        await expect(observer.connectedUserIds([alone1, alone2, elsewhere])).resolves.toEqual(
          new Set([alone1, alone2, elsewhere]),
        );

        await vi.waitFor(() => expect(reports.flat(2)).toHaveLength(2), {
          timeout: 5_000,
          interval: 10,
        });
        expect(Date.now() - crashedAt).toBeLessThan(ttlMs + heartbeatMs + 100);
        await sleep(3 * heartbeatMs);
        expect(reports.flat(2).sort()).toEqual([alone1, alone2].sort());
        expect(reports.flat().length).toBe(1);
        await expect(observer.connectedUserIds([alone1, alone2, elsewhere])).resolves.toEqual(
          new Set([elsewhere]),
        );
        await expect(survivors[1]?.disconnect(elsewhere, 'c5')).resolves.toBe(true);
      });

      it('stops counting its connections before they are swept, and the sweep reports only who is still offline', async () => {
        const crashed = fx.open();
        const observer = openFrozen();
        const reports = offlineReports(observer);
        const [back, gone, alsoLeft] = [
          uniqueUser('back'),
          uniqueUser('gone'),
          uniqueUser('also-left'),
        ];
        await crashed.connect(back, 'c1');
        await crashed.connect(gone, 'c2');
        await crashed.connect(alsoLeft, 'c3');
        await observer.connect(alsoLeft, 'c4');

        await crashed.close();
        await sleep(ttlMs + heartbeatMs);
        // dead, not yet swept: nobody heartbeated since
        await expect(observer.connectedUserIds([back, gone, alsoLeft])).resolves.toEqual(
          new Set([alsoLeft]),
        );
        await expect(observer.connect(back, 'c5')).resolves.toBe(true);
        await expect(observer.disconnect(alsoLeft, 'c4')).resolves.toBe(true);
        expect(reports).toEqual([]);

        vi.advanceTimersByTime(heartbeatMs);
        await until(() => expect(reports).toEqual([[gone]]));
        vi.advanceTimersByTime(heartbeatMs);
        await sleep(50);
        expect(reports).toEqual([[gone]]);
        await expect(observer.connectedUserIds([back, gone, alsoLeft])).resolves.toEqual(
          new Set([back]),
        );
        await expect(observer.disconnect(back, 'c5')).resolves.toBe(true);
      });

      it('writes its connections again when it was swept while still running', async () => {
        const observer = fx.open();
        const reports = offlineReports(observer);
        const paused = openFrozen();
        const user = uniqueUser();
        await paused.connect(user, 'c1');

        await until(() => expect(reports).toEqual([[user]]));
        await expect(observer.connectedUserIds([user])).resolves.toEqual(new Set());
        vi.advanceTimersByTime(heartbeatMs);
        await until(() =>
          expect(observer.connectedUserIds([user])).resolves.toEqual(new Set([user])),
        );
        await expect(paused.disconnect(user, 'c1')).resolves.toBe(true);
        await expect(observer.connectedUserIds([user])).resolves.toEqual(new Set());
      });
    });
  }
});
