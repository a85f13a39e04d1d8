// Concurrent reactions on one message: many users toggle at once, over REST and /ws, through
// two instances sharing one database and one Redis (on PostgreSQL with REDIS_URL; PGlite is one
// instance). Events may be published in another order than their changes committed in; each
// carries the message's reactionsVersion, and a client that keeps the state with the largest
// version (as the web client does) ends with exactly what is stored, on every connection.
import { randomUUID } from 'node:crypto';
import type { Message, Reaction } from '@chat/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type RegisteredUser,
} from './helpers.js';
import {
  connectTrpcTo,
  recordEvents,
  stopAllSubscriptions,
  type Recorded,
  type TrpcConnection,
} from './trpc-clients.js';
import {
  closeAllClients,
  eventually,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

const redisUrl = process.env.REDIS_URL;
const emojis = ['👍', '🎉', '🦔'];
const togglesPerUser = 24;

interface ReactionEvent {
  type: string;
  messageId: string;
  reactions: Reaction[];
  reactionsVersion: number;
}

/** What a client that drops stale events holds at the end: the state of the largest version. */
function finalState(events: ReactionEvent[], messageId: string) {
  const mine = events.filter((e) => e.type === 'reaction' && e.messageId === messageId);
  const newest = mine.reduce<ReactionEvent | undefined>(
    (kept, e) => (!kept || e.reactionsVersion > kept.reactionsVersion ? e : kept),
    undefined,
  );
  return {
    arrived: mine.map((e) => e.reactionsVersion),
    versions: mine.map((e) => e.reactionsVersion).sort((a, b) => a - b),
    reactions: newest?.reactions ?? [],
    version: newest?.reactionsVersion ?? 0,
  };
}

describe.each(testDatabaseKinds())('concurrent reactions on one message on %s', (kind) => {
  const instances: TestServer[] = [];
  const connections: TrpcConnection[] = [];
  let users: RegisteredUser[];

  beforeAll(async () => {
    const several = kind === 'postgres' && redisUrl;
    const env = several
      ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `test:${randomUUID()}:` }
      : ({} as Record<string, string>);
    const limits = { wsLimits: { burst: 100_000, perSecond: 100_000 }, env };
    const first = await startTestServer(kind, limits);
    instances.push(first);
    if (several)
      instances.push(await startTestServer(kind, { ...limits, database: first.database }));
    // A publisher is sometimes slow (a Redis round trip, a pause). Here every odd version of a
    // message's reactions waits until the next change's event has gone out (or 300 ms passed,
    // on whichever instance): events surely leave in another order than their changes.
    const held = new Map<string, () => void>();
    for (const { runtime } of instances) {
      const events = runtime.deps.events;
      const publish = events.publish.bind(events);
      events.publish = async (event) => {
        if (event.type !== 'reaction') return publish(event);
        if (event.reactionsVersion % 2 === 1) {
          await new Promise<void>((resolve) => {
            held.set(event.messageId, resolve);
            setTimeout(resolve, 300);
          });
          return publish(event);
        }
        await publish(event);
        held.get(event.messageId)?.();
        held.delete(event.messageId);
      };
    }
    users = [];
    for (let i = 0; i < 5; i++) users.push(await registerUser(first.app));
  }, 180_000); // one or two instances on a fresh database, on a loaded machine
  afterEach(async () => {
    stopAllSubscriptions();
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    await closeAllClients();
  });
  afterAll(async () => {
    // the first owns the database: it closes last
    for (const instance of instances.reverse()) await instance.close();
  });

  const instanceOf = (i: number) => instances[i % instances.length] as TestServer;

  it('every subscriber ends with the stored reactions, and hears each change once', async () => {
    const [owner, ...others] = users as [RegisteredUser, ...RegisteredUser[]];
    const channel = await createChannel(instanceOf(0).app, owner, {
      isPrivate: true,
      memberIds: others.map((u) => u.id),
    });
    const message = await sendMessage(instanceOf(0).app, owner, channel.id, 'react to me');

    // each user listens on one instance over /ws, and on the other over tRPC
    const sockets = await Promise.all(
      users.map((user, i) => WsClient.ready(instanceOf(i), user.accessToken)),
    );
    const streams: Recorded<{ type: string }>[] = users.map((user, i) => {
      const connection = connectTrpcTo(instanceOf(i + 1).baseUrl, user.accessToken, 'websocket');
      connections.push(connection);
      return recordEvents(connection.client);
    });
    // the owner toggles a probe until everyone hears it: every subscription is open from then on
    const heardEverywhere = (version: number) =>
      [...streams.map((s) => s.items), ...sockets.map((s) => s.frames)].every((events) =>
        (events as unknown as ReactionEvent[]).some(
          (e) => e.type === 'reaction' && e.reactionsVersion === version,
        ),
      );
    let ready = 0;
    for (let n = 0; ready === 0; n++) {
      const probe = await instanceOf(0).app.inject({
        method: n % 2 === 0 ? 'PUT' : 'DELETE',
        url: `/api/messages/${message.id}/reactions/${encodeURIComponent('🔔')}`,
        headers: owner.auth,
      });
      const { reactionsVersion } = probe.json<{ message: Message }>().message;
      await eventually(() => heardEverywhere(reactionsVersion), 'the probe', 500).then(
        () => (ready = reactionsVersion),
        () => expect(n).toBeLessThan(40),
      );
    }

    // every user toggles at random, over REST on either instance or over their socket, without
    // waiting for one change before the next
    await Promise.all(
      users.map(async (user, u) => {
        const pending: Promise<unknown>[] = [];
        for (let n = 0; n < togglesPerUser; n++) {
          const emoji = emojis[(u + n) % emojis.length] as string;
          const op = Math.random() < 0.55 ? 'add' : 'remove';
          if (n % 3 === 2) {
            sockets[u]?.send({ type: 'reaction', messageId: message.id, emoji, op });
            continue;
          }
          pending.push(
            instanceOf(u + n).app.inject({
              method: op === 'add' ? 'PUT' : 'DELETE',
              url: `/api/messages/${message.id}/reactions/${encodeURIComponent(emoji)}`,
              headers: user.auth,
            }),
          );
          if (n % 4 === 0) await Promise.all(pending.splice(0));
        }
        await Promise.all(pending);
        // frames are handled in order: the pong follows the last reaction's commit
        await sockets[u]?.roundTrip(10_000);
      }),
    );

    const read = await instanceOf(0).app.inject({
      method: 'GET',
      url: `/api/channels/${channel.id}/messages`,
      headers: owner.auth,
    });
    const stored = read
      .json<{ items: Message[] }>()
      .items.find((m) => m.id === message.id) as Message;
    expect(stored.reactionsVersion).toBeGreaterThan(1);

    const subscribers = [
      ...sockets.map((s, i) => ({ name: `/ws of user ${i}`, events: () => s.frames })),
      ...streams.map((s, i) => ({ name: `tRPC of user ${i}`, events: () => s.items })),
    ];
    let outOfOrder = 0;
    for (const subscriber of subscribers) {
      const events = () => subscriber.events() as unknown as ReactionEvent[];
      await eventually(
        () => finalState(events(), message.id).version === stored.reactionsVersion,
        `${subscriber.name} hearing version ${stored.reactionsVersion}`,
      );
      const final = finalState(events(), message.id);
      outOfOrder += final.arrived.filter((v, i) => i > 0 && v < (final.arrived[i - 1] ?? 0)).length;
      expect(final.reactions, subscriber.name).toEqual(stored.reactions);
      // each change once, with its own version: one after the other up to the stored one
      expect(
        final.versions.filter((v) => v > ready),
        subscriber.name,
      ).toEqual(Array.from({ length: stored.reactionsVersion - ready }, (_, i) => ready + 1 + i));
    }
    // the delays did reorder events: it is the versions that made every end state right
    expect(outOfOrder).toBeGreaterThan(0);
  });
});
