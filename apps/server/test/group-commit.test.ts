// The group commit seen from outside: many senders on every transport at once, and one /ws
// connection with many messages in flight.
import { schema } from '@chat/db';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../src/metrics.js';
import { createChannel, registerUser, testDatabaseKinds, type RegisteredUser } from './helpers.js';
import { connectTrpcTo } from './trpc-clients.js';
import {
  closeAllClients,
  ofType,
  startTestServer,
  WsClient,
  type Frame,
  type TestServer,
} from './ws-client.js';

/** How many group commits, and how many sends in them, this process has done so far. */
async function batchTotals(): Promise<{ batches: number; sends: number }> {
  const text = await metrics.registry.getSingleMetricAsString('chat_send_batch_size');
  const of = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { batches: of('chat_send_batch_size_count'), sends: of('chat_send_batch_size_sum') };
}

/** The item at `index`, which the test knows is there. */
function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

describe.each(testDatabaseKinds())('group commit on %s', (kind) => {
  let server: TestServer;
  let users: RegisteredUser[];
  let channelIds: string[];
  beforeAll(async () => {
    server = await startTestServer(kind, { wsLimits: { burst: 100_000, perSecond: 100_000 } });
    users = [];
    for (let i = 0; i < 6; i++) users.push(await registerUser(server.app));
    const [owner, ...others] = users as [RegisteredUser, ...RegisteredUser[]];
    channelIds = [];
    for (let i = 0; i < 10; i++) {
      const channel = await createChannel(server.app, owner, {
        memberIds: others.map((u) => u.id),
      });
      channelIds.push(channel.id);
    }
  });
  afterAll(async () => {
    await closeAllClients();
    await server?.close();
  });

  it('numbers 1,000 concurrent sends from REST, tRPC and /ws into 10 channels 1..n, each once', async () => {
    const sockets = await Promise.all(users.map((u) => WsClient.ready(server, u.accessToken)));
    const trpc = users.map((u) => connectTrpcTo(server.baseUrl, u.accessToken, 'websocket'));
    const before = await batchTotals();
    const acked: { clientMsgId: string; id: string; seq: number; channel: string }[] = [];
    const sends = Array.from({ length: 1_000 }, (_, i) => {
      const user = i % users.length;
      const channel = at(channelIds, i % channelIds.length);
      const clientMsgId = `m-${i}`;
      const content = `message ${i}`;
      switch (i % 3) {
        case 0:
          return server.app
            .inject({
              method: 'POST',
              url: `/api/channels/${channel}/messages`,
              headers: at(users, user).auth,
              payload: { content, clientMsgId },
            })
            .then((response) => {
              expect(response.statusCode).toBe(201);
              const { message } = response.json<{ message: { id: string; seq: number } }>();
              acked.push({ clientMsgId, id: message.id, seq: message.seq, channel });
            });
        case 1:
          return at(trpc, user)
            .client.messages.send.mutate({
              channelId: channel,
              content,
              clientMsgId,
            })
            .then(({ message }) =>
              acked.push({ clientMsgId, id: message.id, seq: message.seq, channel }),
            );
        default: {
          const socket = at(sockets, user);
          socket.send({ type: 'message', channel, content, clientMsgId });
          return socket
            .waitFor(ofType('ack', { clientMsgId }), 60_000)
            .then((ack) => acked.push(ack as unknown as (typeof acked)[number]));
        }
      }
    });
    await Promise.all(sends);
    const after = await batchTotals();
    await Promise.all(trpc.map((t) => t.close()));

    expect(after.sends - before.sends).toBe(1_000);
    // they really were committed together, not one by one
    expect(after.batches - before.batches).toBeLessThan(500);
    const rows = await server.runtime.deps.db
      .select({
        id: schema.messages.id,
        channelId: schema.messages.channelId,
        seq: schema.messages.seq,
        clientMsgId: schema.messages.clientMsgId,
      })
      .from(schema.messages)
      .where(inArray(schema.messages.channelId, channelIds));
    expect(rows).toHaveLength(1_000);
    for (const channelId of channelIds) {
      const seqs = rows
        .filter((r) => r.channelId === channelId)
        .map((r) => r.seq)
        .sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    }
    expect(new Set(rows.map((r) => r.clientMsgId)).size).toBe(1_000);
    // every ack names the row it stored
    const stored = new Map(rows.map((r) => [r.clientMsgId, r]));
    expect(acked).toHaveLength(1_000);
    for (const ack of acked)
      expect(stored.get(ack.clientMsgId)).toMatchObject({
        id: ack.id,
        seq: ack.seq,
        channelId: ack.channel,
      });
  }, 120_000);

  it('acks the messages of one /ws connection in the order they were sent, sharing batches', async () => {
    const socket = await WsClient.ready(server, at(users, 1).accessToken);
    const channel = at(channelIds, 0);
    const before = await batchTotals();
    const ids = Array.from({ length: 60 }, (_, i) => `order-${i}`);
    // one oversize and one unknown channel among them: answered in their turn, the others pass
    const frames = ids.map((clientMsgId, i) => ({
      type: 'message',
      channel: i === 20 ? crypto.randomUUID() : channel,
      content: i === 40 ? 'x'.repeat(5_000) : `in order ${i}`,
      clientMsgId,
    }));
    for (const frame of frames) socket.send(frame);
    // an ack names its message by clientMsgId, an error by ref
    const idOf = (f: Frame) =>
      f.type === 'ack' ? f.clientMsgId : f.type === 'error' ? f.ref : null;
    const answers = await socket.waitForCount(
      (f) => typeof idOf(f) === 'string' && String(idOf(f)).startsWith('order-'),
      ids.length,
      60_000,
    );
    const after = await batchTotals();
    expect(answers.map(idOf)).toEqual(ids);
    expect(answers.filter((f) => f.type === 'error').map(idOf)).toEqual(['order-20', 'order-40']);
    const seqs = answers.filter((f) => f.type === 'ack').map((f) => f.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(58);
    // in flight together: fewer commits than messages
    expect(after.batches - before.batches).toBeLessThan(59);
  });

  it('answers a ping while a message of the same connection waits for its commit', async () => {
    const socket = await WsClient.ready(server, at(users, 2).accessToken);
    const channel = at(channelIds, 1);
    // a transaction that holds the channel's row (on PGlite: the one connection) stalls the commit
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = server.runtime.deps.db.transaction(async (tx) => {
      await tx.execute(sql`select id from channels where id = ${channel} for update`);
      locked();
      await released;
    });
    await isLocked;
    try {
      socket.send({ type: 'message', channel, content: 'stalled', clientMsgId: 'stalled' });
      socket.send({ type: 'ping' });
      await socket.waitFor(ofType('pong'), 30_000);
      expect(socket.received(ofType('ack'))).toEqual([]);
      expect(socket.received(ofType('error'))).toEqual([]);
    } finally {
      release();
      await holder;
    }
    await expect(
      socket.waitFor(ofType('ack', { clientMsgId: 'stalled' }), 30_000),
    ).resolves.toBeDefined();
  });
});
