// Scale-out mode: two server processes (the built dist/main.js) on different ports, sharing one
// PostgreSQL database and one Redis. Whatever instance a client talks to, it sees the same
// channels, the same gap-free seq order and the same presence, and a crashed instance's users
// go offline through the other one. Needs DATABASE_URL and REDIS_URL (as .ci/run sets them).
import { randomBytes } from 'node:crypto';
import { createEmptyPostgresDatabase } from '@chat/db/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  request,
  startServer,
  stopAllServers,
  type Reply,
  type StartedServer,
} from './server-process.js';
import { closeAllClients, ofType, WsClient, type Frame, type MessageFrame } from './ws-client.js';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;

interface Instance {
  name: string;
  server: StartedServer;
  url: string;
  wsUrl: string;
}

interface User {
  id: string;
  username: string;
  token: string;
}

interface ApiUser {
  id: string;
  status: string;
  lastSeen: string | null;
}

interface ApiMessage {
  id: string;
  seq: number;
  content: string;
  clientMsgId: string | null;
}

/** One JSON request over real HTTP to one of the instances. */
const api = <T = Record<string, unknown>>(
  instance: Instance,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Reply<T>> => request<T>(instance.url, method, path, options);

async function expectStatus<T>(reply: Promise<Reply<T>>, status: number, what: string): Promise<T> {
  const { status: actual, body } = await reply;
  if (actual !== status)
    throw new Error(`${what}: HTTP ${actual}, expected ${status}: ${JSON.stringify(body)}`);
  return body;
}

let counter = 0;
const unique = (prefix: string) =>
  `${prefix}_${randomBytes(3).toString('hex')}${(counter++).toString(36)}`;

async function register(instance: Instance, prefix: string): Promise<User> {
  const username = unique(prefix);
  const body = await expectStatus(
    api<{ user: { id: string }; accessToken: string }>(instance, 'POST', '/api/auth/register', {
      body: { username, email: `${username}@example.test`, password: 'correct horse battery' },
    }),
    201,
    `register ${username} on ${instance.name}`,
  );
  return { id: body.user.id, username, token: body.accessToken };
}

async function createChannel(instance: Instance, owner: User): Promise<string> {
  const body = await expectStatus(
    api<{ channel: { id: string } }>(instance, 'POST', '/api/channels', {
      token: owner.token,
      body: { name: unique('room') },
    }),
    201,
    `create a channel on ${instance.name}`,
  );
  return body.channel.id;
}

async function joinChannel(instance: Instance, user: User, channelId: string): Promise<void> {
  await expectStatus(
    api(instance, 'POST', `/api/channels/${channelId}/members`, { token: user.token, body: {} }),
    200,
    `${user.username} joins on ${instance.name}`,
  );
}

async function post(
  instance: Instance,
  user: User,
  channelId: string,
  content: string,
  clientMsgId?: string,
) {
  const body = await expectStatus(
    api<{ message: ApiMessage }>(instance, 'POST', `/api/channels/${channelId}/messages`, {
      token: user.token,
      body: { content, clientMsgId },
    }),
    201,
    `${user.username} posts on ${instance.name}`,
  );
  return body.message;
}

async function getUser(instance: Instance, viewer: User, userId: string): Promise<ApiUser> {
  const body = await expectStatus(
    api<{ user: ApiUser }>(instance, 'GET', `/api/users/${userId}`, { token: viewer.token }),
    200,
    `GET /api/users/${userId} on ${instance.name}`,
  );
  return body.user;
}

/** The whole history of a channel, oldest first, read through one instance. */
async function history(instance: Instance, viewer: User, channelId: string): Promise<ApiMessage[]> {
  const all: ApiMessage[] = [];
  for (;;) {
    const page = await expectStatus(
      api<{ items: ApiMessage[]; hasMore: boolean }>(
        instance,
        'GET',
        `/api/channels/${channelId}/messages?limit=100&after=${all.at(-1)?.seq ?? 0}`,
        { token: viewer.token },
      ),
      200,
      `history on ${instance.name}`,
    );
    all.push(...page.items);
    if (!page.hasMore) return all;
  }
}

/** A /ws connection as `user` to `instance`, once `ready` has arrived. */
async function connect(instance: Instance, user: User): Promise<WsClient> {
  const client = await WsClient.connect(
    `${instance.wsUrl}?token=${encodeURIComponent(user.token)}`,
  );
  await client.next(ofType('ready'));
  return client;
}

const messageIn =
  (channelId: string) =>
  (frame: Frame): boolean =>
    frame.type === 'message' && frame.channel === channelId;

const presenceOf = (userId: string, status: string) => ofType('presence', { userId, status });

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` resolves true. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe.skipIf(!databaseUrl || !redisUrl)(
  'two server processes sharing PostgreSQL and Redis (DATABASE_URL, REDIS_URL)',
  () => {
    const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
    let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>> | undefined;
    let redis: Redis;
    let a: Instance;
    let b: Instance;

    /** How many instances are subscribed to a channel's Redis pub/sub channel right now. */
    async function subscribedInstances(channelId: string): Promise<number> {
      const reply = (await redis.pubsub('NUMSUB', `${keyPrefix}channel:${channelId}`)) as [
        string,
        number,
      ];
      return Number(reply[1]);
    }

    beforeAll(async () => {
      database = await createEmptyPostgresDatabase();
      if (!redisUrl) throw new Error('REDIS_URL is not set'); // skipIf saw to it
      redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      const env = {
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: keyPrefix,
        JWT_SECRET: `multi-instance-${randomBytes(32).toString('base64url')}`,
        PRESENCE_TTL_SECONDS: '1',
        // one writer sends 40 messages at once over REST
        WRITE_RATE_LIMIT: '1000/1',
      };
      // Both at once, on an empty database: their migrations race (an advisory lock orders them).
      const [serverA, serverB] = await Promise.all([startServer({ env }), startServer({ env })]);
      const instance = (name: string, server: StartedServer): Instance => ({
        name,
        server,
        url: server.url,
        wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`,
      });
      a = instance('A', serverA);
      b = instance('B', serverB);
      expect(a.server.port).not.toBe(b.server.port);
    });

    afterAll(async () => {
      try {
        await closeAllClients(); // also checks every frame had the protocol's envelope
      } finally {
        await stopAllServers(); // before the drop, which would otherwise cut the servers off
        await database?.drop();
        // what the run left in Redis (presence of the instances and their users)
        const keys = await redis.keys(`${keyPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      }
    });

    it('both migrated the same empty database at once and are ready', async () => {
      for (const instance of [a, b]) {
        expect((await api(instance, 'GET', '/readyz')).status, instance.name).toBe(200);
      }
      // one schema, not two: a user registered through A logs in through B
      const user = await register(a, 'both');
      const login = await api<{ user: { id: string } }>(b, 'POST', '/api/auth/login', {
        body: { username: user.username, password: 'correct horse battery' },
      });
      expect(login.status).toBe(200);
      expect(login.body.user.id).toBe(user.id);
    });

    it('delivers messages sent concurrently through both instances exactly once, in seq order 1..N, to receivers on each', async () => {
      const [w1, w2, w3, receiverOnA, receiverOnB] = await Promise.all([
        register(a, 'w1'),
        register(b, 'w2'),
        register(a, 'w3'),
        register(b, 'ra'),
        register(a, 'rb'),
      ]);
      const channelId = await createChannel(a, w1);
      await Promise.all([
        joinChannel(b, w2, channelId),
        joinChannel(a, w3, channelId),
        joinChannel(b, receiverOnA, channelId),
        joinChannel(a, receiverOnB, channelId),
      ]);
      const [readerA, readerB, w2OnA, w2OnB, w3OnB] = await Promise.all([
        connect(a, receiverOnA),
        connect(b, receiverOnB),
        connect(a, w2),
        connect(b, w2),
        connect(b, w3),
      ]);

      const perWriter = 40;
      /** A writer's messages over /ws: all frames sent at once (within the burst), then the acks. */
      const overWs = async (socket: WsClient, ids: string[]) => {
        for (const clientMsgId of ids)
          socket.send({ type: 'message', channel: channelId, content: clientMsgId, clientMsgId });
        const acks = await socket.waitForCount(
          (frame) =>
            (frame.type === 'ack' && frame.channel === channelId) || frame.type === 'error',
          ids.length,
          15_000,
        );
        expect(acks.filter((frame) => frame.type === 'error')).toEqual([]);
        return acks.map((ack) => ({
          id: ack.id as string,
          seq: ack.seq as number,
          clientMsgId: ack.clientMsgId as string,
        }));
      };
      const overRest = (instance: Instance, user: User, ids: string[]) =>
        Promise.all(
          ids.map(async (clientMsgId) => {
            const message = await post(instance, user, channelId, clientMsgId, clientMsgId);
            return { id: message.id, seq: message.seq, clientMsgId };
          }),
        );
      const ids = (writer: string, from: number, to: number) =>
        range(from, to).map((i) => `${writer}-${i}`);

      // 3 writers × 40, every message in flight at once, through both instances and both transports
      const results = await Promise.all([
        overRest(a, w1, ids('w1', 1, 20)),
        overRest(b, w1, ids('w1', 21, 40)),
        overWs(w2OnA, ids('w2', 1, 20)),
        overWs(w2OnB, ids('w2', 21, 40)),
        overRest(a, w3, ids('w3', 1, 20)),
        overWs(w3OnB, ids('w3', 21, 40)),
      ]);
      const sent = results.flat();
      const total = 3 * perWriter;
      expect(sent).toHaveLength(total);
      expect(new Set(sent.map((m) => m.clientMsgId)).size).toBe(total);
      // the commit order is one gap-free sequence, whichever instance committed
      expect(sent.map((m) => m.seq).sort((x, y) => x - y)).toEqual(range(1, total));
      const idBySeq = new Map(sent.map((m) => [m.seq, m.id]));
      const expectedIds = range(1, total).map((seq) => idBySeq.get(seq));

      for (const reader of [readerA, readerB]) {
        await reader.waitForCount(messageIn(channelId), total, 15_000);
      }
      // longer than the gap wait (250 ms), so a late duplicate from the other instance would show
      await sleep(400);
      for (const [name, reader] of [
        ['receiver on A', readerA],
        ['receiver on B', readerB],
      ] as const) {
        await reader.roundTrip();
        const got = reader.messages(channelId);
        expect(
          got.map((m) => m.seq),
          name,
        ).toEqual(range(1, total));
        expect(
          got.map((m) => m.id),
          name,
        ).toEqual(expectedIds);
      }
      // the writers' own sockets too: each of them is a member and gets the channel in order
      for (const socket of [w2OnA, w2OnB, w3OnB]) {
        await socket.waitForCount(messageIn(channelId), total, 10_000);
        expect(socket.messages(channelId).map((m) => m.seq)).toEqual(range(1, total));
      }
      // and the history, read through either instance, is the same sequence
      for (const instance of [a, b]) {
        const stored = await history(instance, receiverOnA, channelId);
        expect(
          stored.map((m) => m.id),
          instance.name,
        ).toEqual(expectedIds);
      }
    });

    it('tells a peer on A of the presence a user sets on B, and of their going offline when their socket on B closes', async () => {
      const [peer, user] = await Promise.all([register(a, 'peer'), register(b, 'dnd')]);
      const channelId = await createChannel(a, peer);
      await joinChannel(b, user, channelId);

      const peerOnA = await connect(a, peer);
      const userOnB = await connect(b, user);
      await peerOnA.next(presenceOf(user.id, 'online'));

      userOnB.send({ type: 'presence', status: 'dnd' });
      await peerOnA.next(presenceOf(user.id, 'dnd'));
      expect((await getUser(a, peer, user.id)).status).toBe('dnd');

      await userOnB.close();
      await peerOnA.next(presenceOf(user.id, 'offline'));
      const seen = await getUser(a, peer, user.id);
      expect(seen.status).toBe('offline');
      expect(seen.lastSeen).not.toBeNull();
    });

    it('delivers a message posted on A to a socket on B that only just joined the channel, and keeps it in history once B stops listening', async () => {
      const [author, reader] = await Promise.all([register(a, 'author'), register(b, 'reader')]);
      const channelId = await createChannel(a, author);
      const before = await post(a, author, channelId, 'before the join');
      expect(before.seq).toBe(1);

      // Neither instance listens to the channel: its author has no socket, the reader is no member.
      const readerOnB = await connect(b, reader);
      expect(await subscribedInstances(channelId)).toBe(0);

      readerOnB.send({ type: 'join', channel: channelId });
      await readerOnB.next(ofType('join', { channel: channelId, userId: reader.id }));
      const live = await post(a, author, channelId, 'posted on A after the join');
      const delivered = (await readerOnB.next(messageIn(channelId))) as MessageFrame;
      expect(delivered).toMatchObject({
        id: live.id,
        seq: 2,
        content: 'posted on A after the join',
      });
      // only B subscribed, and only because of its socket; what came before the join is history
      expect(await subscribedInstances(channelId)).toBe(1);
      await readerOnB.roundTrip();
      expect(readerOnB.messages(channelId).map((m) => m.seq)).toEqual([2]);

      // B's last socket in the channel closes: B unsubscribes, and nobody listens any more
      await readerOnB.close();
      await eventually(
        async () => (await subscribedInstances(channelId)) === 0,
        'B to unsubscribe',
      );
      const unheard = await post(a, author, channelId, 'posted while nobody listens');
      expect(unheard.seq).toBe(3);
      const stored = await history(b, reader, channelId);
      expect(stored.map((m) => [m.seq, m.content])).toEqual([
        [1, 'before the join'],
        [2, 'posted on A after the join'],
        [3, 'posted while nobody listens'],
      ]);

      // a reconnect on B resumes from its cursor: the missed message once, nothing else
      const again = await connect(b, reader);
      again.send({ type: 'resume', cursors: { [channelId]: 2 } });
      const resumed = (await again.next(messageIn(channelId))) as MessageFrame;
      expect(resumed).toMatchObject({ id: unheard.id, seq: 3 });
      await sleep(100);
      await again.roundTrip();
      expect(again.messages(channelId).map((m) => m.seq)).toEqual([3]);
      await again.close();
    });

    // Last: it kills B.
    it('takes a user connected only through a SIGKILLed B offline via A within the heartbeat window; one also connected to A stays online', async () => {
      const [peer, solo, both] = await Promise.all([
        register(a, 'watcher'),
        register(b, 'solo'),
        register(a, 'both'),
      ]);
      const channelId = await createChannel(a, peer);
      await Promise.all([joinChannel(b, solo, channelId), joinChannel(a, both, channelId)]);

      const peerOnA = await connect(a, peer);
      await connect(b, solo);
      await connect(a, both);
      await connect(b, both);
      await peerOnA.waitFor(presenceOf(solo.id, 'online'));
      await peerOnA.waitFor(presenceOf(both.id, 'online'));
      const soloBefore = await getUser(a, peer, solo.id);
      expect(soloBefore).toMatchObject({ status: 'online', lastSeen: null });

      const killedAt = Date.now();
      expect(await b.server.process.kill()).toEqual({ code: null, signal: 'SIGKILL' });

      // ttl 1 s, heartbeat every 333 ms: A sweeps B away about 1.0–1.4 s after its last beat
      await peerOnA.waitFor(presenceOf(solo.id, 'offline'), 4_000);
      const wentOfflineAfter = Date.now() - killedAt;
      expect(wentOfflineAfter).toBeLessThan(4_000);

      const soloAfter = await getUser(a, peer, solo.id);
      expect(soloAfter.status).toBe('offline');
      expect(soloAfter.lastSeen).not.toBeNull();
      // set by the sweep, not before the kill (a second of slack for the database's clock)
      expect(Date.parse(soloAfter.lastSeen ?? '')).toBeGreaterThanOrEqual(killedAt - 1_000);

      // the same sweep would have reported `both` with `solo`: wait another ttl to be sure
      await sleep(1_000);
      await peerOnA.roundTrip();
      expect(peerOnA.received(presenceOf(both.id, 'offline'))).toEqual([]);
      expect((await getUser(a, peer, both.id)).status).toBe('online');
      // A still serves: its sockets keep getting the channel
      const after = await post(a, both, channelId, 'after the crash');
      expect(await peerOnA.waitFor(messageIn(channelId))).toMatchObject({ id: after.id });
    });
  },
);
