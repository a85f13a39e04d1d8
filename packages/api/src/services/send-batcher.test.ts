import { sqlState } from '@chat/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../errors.js';
import type { ChatEvent } from '../realtime/events.js';
import { limits } from '../schemas/common.js';
import {
  createChannel,
  createTestDeps,
  createUser,
  publishedSince,
  testDatabaseKinds,
  type TestDeps,
  type TestUser,
} from '../testing.js';
import * as channels from './channels.js';
import * as messages from './messages.js';
import { SendBatcher, type SendBatcherOptions } from './send-batcher.js';

// Every send of one test is made in the same tick, and a batch waits 50 ms for company: so the
// sends of a test share one batch (the batch sizes seen prove it).
describe.each(testDatabaseKinds())('group commit on %s', (kind) => {
  let deps: TestDeps;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const batchSizes: number[] = [];
  beforeAll(async () => {
    deps = await createTestDeps(kind, { maxWaitMs: 50, onBatch: (size) => batchSizes.push(size) });
    [alice, bob, carol] = await Promise.all([createUser(deps), createUser(deps), createUser(deps)]);
  });
  afterAll(() => deps.dispose());

  const send = (actor: TestUser, channelId: string, content: string, clientMsgId?: string) =>
    messages.sendMessage(deps, actor, { channelId, content, clientMsgId });
  const everything = async (actor: TestUser, channelId: string) =>
    (await messages.history(deps, actor, { channelId, limit: 100 })).items;
  const lastBatch = () => batchSizes.at(-1);
  /** The deps with a batcher of their own over `db` (a counted one, or a second instance's). */
  const withBatcher = (
    db: TestDeps['db'],
    options: Partial<Pick<SendBatcherOptions, 'publish' | 'maxBatchSize' | 'maxWaitMs'>>,
  ) => ({
    ...deps,
    sends: new SendBatcher({
      db,
      lookup: messages.messagesByIds,
      fileUrls: deps.files.urls,
      publish: async () => {},
      ...options,
    }),
  });

  it('stores concurrent sends to several channels in one batch, each channel numbered 1..n', async () => {
    const first = await createChannel(deps, alice, { memberIds: [bob.userId] });
    const second = await createChannel(deps, bob);
    const mark = deps.published.length;
    const results = await Promise.all([
      send(alice, first.id, 'a1'),
      send(bob, second.id, 'b1'),
      send(bob, first.id, 'a2'),
      send(bob, second.id, 'b2'),
      send(alice, first.id, 'a3'),
    ]);
    expect(lastBatch()).toBe(5);
    expect(results.map((r) => [r.message.content, r.message.seq, r.created])).toEqual([
      ['a1', 1, true],
      ['b1', 1, true],
      ['a2', 2, true],
      ['b2', 2, true],
      ['a3', 3, true],
    ]);
    // what the ack says is what every reader reads
    const [a1, , a2, , a3] = results.map((r) => r.message);
    expect(await everything(alice, first.id)).toEqual([a1, a2, a3]);
    // events in seq order per channel
    const events = publishedSince(deps, mark).flatMap((e) => (e.type === 'message' ? [e] : []));
    expect(events.filter((e) => e.channelId === first.id).map((e) => e.message.seq)).toEqual([
      1, 2, 3,
    ]);
    expect(events.filter((e) => e.channelId === second.id).map((e) => e.message.seq)).toEqual([
      1, 2,
    ]);
    // each sender's read mark is at their newest message
    await expect(channels.getChannel(deps, alice, first.id)).resolves.toMatchObject({
      lastSeq: 3,
      lastReadSeq: 3,
    });
    await expect(channels.getChannel(deps, bob, first.id)).resolves.toMatchObject({
      lastReadSeq: 2,
    });
  });

  it('fails a non-member, an unknown channel and an oversize message alone: the others commit', async () => {
    const open = await createChannel(deps, alice);
    const secret = await createChannel(deps, alice, { isPrivate: true });
    const results = await Promise.allSettled([
      send(alice, open.id, 'one'),
      send(carol, open.id, 'not a member'),
      send(carol, secret.id, 'cannot see it'),
      send(alice, crypto.randomUUID(), 'nowhere'),
      send(alice, open.id, 'x'.repeat(limits.messageLength + 1)),
      send(alice, open.id, 'two'),
    ]);
    expect(lastBatch()).toBe(5); // the oversize one never joined it
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect(
      results.map((r) => (r.status === 'rejected' ? (r.reason as AppError).code : 'ok')),
    ).toEqual(['ok', 'FORBIDDEN', 'NOT_FOUND', 'NOT_FOUND', 'BAD_REQUEST', 'ok']);
    expect((await everything(alice, open.id)).map((m) => [m.content, m.seq])).toEqual([
      ['one', 1],
      ['two', 2],
    ]);
  });

  it('answers a clientMsgId repeated within one batch, and across batches, with the first message', async () => {
    const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
    const [first, again, other, bobs] = await Promise.all([
      send(alice, channel.id, 'first', 'same'),
      send(alice, channel.id, 'second', 'same'),
      send(alice, channel.id, 'other', 'different'),
      send(bob, channel.id, 'bob may use it too', 'same'),
    ]);
    expect(lastBatch()).toBe(4);
    expect(first.created).toBe(true);
    expect(again).toEqual({ message: first.message, created: false });
    expect(other.created && bobs.created).toBe(true);
    const mark = deps.published.length;
    const later = await send(alice, channel.id, 'third', 'same');
    expect(later).toEqual({ message: first.message, created: false });
    // the retry is published again, for readers that never got the first one
    expect(publishedSince(deps, mark)).toEqual([
      { type: 'message', channelId: channel.id, message: first.message },
    ]);
    expect((await everything(alice, channel.id)).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('retries the others when one message breaks a constraint: it fails alone', async () => {
    const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
    await deps.db.execute(sql`alter table messages add constraint no_poison
      check (content <> 'poison')`);
    let results: PromiseSettledResult<messages.SendResult>[];
    try {
      results = await Promise.allSettled([
        send(alice, channel.id, 'one'),
        send(bob, channel.id, 'two'),
        send(alice, channel.id, 'poison'),
        send(bob, channel.id, 'three'),
      ]);
    } finally {
      await deps.db.execute(sql`alter table messages drop constraint no_poison`);
    }
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(sqlState((results[2] as PromiseRejectedResult).reason)).toBe('23514');
    expect((await everything(alice, channel.id)).map((m) => [m.content, m.seq])).toEqual([
      ['one', 1],
      ['two', 2],
      ['three', 3],
    ]);
  });

  it('answers a clientMsgId that another instance stores at the same moment with its message', async () => {
    const channel = await createChannel(deps, alice);
    // a second batcher on the same database, as a second instance has
    const other = withBatcher(deps.db, {});
    try {
      const [mine, theirs] = await Promise.all([
        send(alice, channel.id, 'here', 'twice'),
        messages.sendMessage(other, alice, {
          channelId: channel.id,
          content: 'there',
          clientMsgId: 'twice',
        }),
      ]);
      expect([mine.created, theirs.created].sort()).toEqual([false, true]);
      expect(mine.message).toEqual(theirs.message);
    } finally {
      await other.sends.close();
    }
    expect((await everything(alice, channel.id)).map((m) => m.seq)).toEqual([1]);
  });

  it('fails every send of a batch the database refuses, and writes nothing of it', async () => {
    const first = await createChannel(deps, alice, { memberIds: [bob.userId] });
    const second = await createChannel(deps, bob);
    await send(alice, first.id, 'before');
    // a real database error, raised for the whole statement: the batch's insert fails
    await deps.db.execute(sql`create function refuse_messages() returns trigger language plpgsql
      as $$ begin raise exception 'messages are refused'; end $$`);
    await deps.db.execute(sql`create trigger refuse_messages before insert on messages
      for each statement execute function refuse_messages()`);
    try {
      const results = await Promise.allSettled([
        send(alice, first.id, 'one'),
        send(bob, first.id, 'two'),
        send(bob, second.id, 'three'),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      // raise_exception: the trigger's, not a failure of the batch's own making
      expect(sqlState((results[0] as PromiseRejectedResult).reason)).toBe('P0001');
    } finally {
      await deps.db.execute(sql`drop trigger refuse_messages on messages`);
      await deps.db.execute(sql`drop function refuse_messages()`);
    }
    // nothing half-written: no message, no counter moved, no read mark moved
    expect((await everything(alice, first.id)).map((m) => m.content)).toEqual(['before']);
    expect(await everything(bob, second.id)).toEqual([]);
    await expect(channels.getChannel(deps, bob, first.id)).resolves.toMatchObject({
      lastSeq: 1,
      lastReadSeq: 0,
    });
    await expect(channels.getChannel(deps, bob, second.id)).resolves.toMatchObject({ lastSeq: 0 });
    // and the next batch numbers on without a gap
    const [next, other] = await Promise.all([
      send(bob, first.id, 'after'),
      send(bob, second.id, 'after'),
    ]);
    expect([next.message.seq, other.message.seq]).toEqual([2, 1]);
  });

  it('keeps seqs, acks and events in send order per channel with several batches in flight', async () => {
    // batches of 3 replies (a transaction each), each started as soon as the one before holds
    // its seqs: they overlap
    const { db, counts } = countedDb(deps.db);
    const events: ChatEvent[] = [];
    const own = withBatcher(db, {
      publish: async (event) => void events.push(event),
      maxBatchSize: 3,
    });
    const a = await createChannel(deps, alice, { memberIds: [bob.userId] });
    const b = await createChannel(deps, bob, { memberIds: [alice.userId] });
    const rootA = (await send(alice, a.id, 'root')).message;
    const rootB = (await send(bob, b.id, 'root')).message;
    const acked: messages.SendResult[] = [];
    try {
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          messages
            .sendMessage(own, i % 3 ? alice : bob, {
              channelId: i % 2 ? b.id : a.id,
              content: `m${i}`,
              parentId: i % 2 ? rootB.id : rootA.id,
              // the same clientMsgId again, two batches later (while the first may be in flight)
              clientMsgId: i === 0 || i === 6 ? 'again' : `c${i}`,
            })
            .then((result) => {
              acked.push(result);
              return result;
            }),
        ),
      );
      expect(counts.mostOpen).toBeGreaterThan(1);
      expect(results[6]).toEqual({ message: results[0]?.message, created: false });
      // (a reply's root is looked up before it joins a batch: the sends may reach the batches
      // in another order than they were made)
      const sentTo = (channelId: string) =>
        results
          .filter((r) => r.created && r.message.channelId === channelId)
          .sort((x, y) => x.message.seq - y.message.seq);
      for (const channel of [a, b]) {
        // seqs 2..n without a gap (the root has 1), acks and first events in seq order
        const seqs = sentTo(channel.id).map((r) => r.message.seq);
        expect(seqs).toEqual(seqs.map((_, i) => i + 2));
        expect(
          acked
            .filter((r) => r.created && r.message.channelId === channel.id)
            .map((r) => r.message.seq),
        ).toEqual(seqs);
        const firstEvents = [
          ...new Set(
            events.flatMap((e) =>
              e.type === 'message' && e.channelId === channel.id ? [e.message.seq] : [],
            ),
          ),
        ];
        expect(firstEvents).toEqual(seqs);
        expect((await everything(alice, channel.id)).map((m) => m.content)).toEqual([
          'root',
          ...sentTo(channel.id).map((r) => r.message.content),
        ]);
      }
    } finally {
      await own.sends.close();
    }
  });

  it('commits a batch of plain messages in one statement, with no transaction around it', async () => {
    const { db, counts } = countedDb(deps.db);
    const own = withBatcher(db, { maxWaitMs: 50 });
    const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
    const outsider = await createChannel(deps, carol);
    try {
      const results = await Promise.allSettled([
        messages.sendMessage(own, alice, { channelId: channel.id, content: 'one' }),
        messages.sendMessage(own, bob, { channelId: channel.id, content: 'two' }),
        messages.sendMessage(own, alice, { channelId: outsider.id, content: 'not mine' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      expect(counts).toMatchObject({ transactions: 0, statements: 1 });
      expect((await everything(alice, channel.id)).map((m) => [m.content, m.seq])).toEqual([
        ['one', 1],
        ['two', 2],
      ]);
    } finally {
      await own.sends.close();
    }
  });

  it('stores what is waiting when it closes, then refuses new sends', async () => {
    // a batcher that would wait 10 s for company: only the close makes it commit
    const own = withBatcher(deps.db, {
      publish: (event) => deps.events.publish(event),
      maxWaitMs: 10_000,
    });
    const channel = await createChannel(own, alice);
    const started = Date.now();
    const pending = messages.sendMessage(own, alice, { channelId: channel.id, content: 'last' });
    await own.sends.close();
    await expect(pending).resolves.toMatchObject({ message: { seq: 1 } });
    expect(Date.now() - started).toBeLessThan(9_000);
    await expect(
      messages.sendMessage(own, alice, { channelId: channel.id, content: 'late' }),
    ).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});

/** The database with its transactions (how many, most at once) and bare statements counted. */
function countedDb(db: TestDeps['db']) {
  const counts = { transactions: 0, open: 0, mostOpen: 0, statements: 0 };
  const counted = new Proxy(db, {
    get(target, key, receiver) {
      if (key === 'execute')
        return (...args: Parameters<typeof target.execute>) => {
          counts.statements++;
          return target.execute(...args);
        };
      if (key !== 'transaction') return Reflect.get(target, key, receiver) as unknown;
      return async (...args: Parameters<typeof target.transaction>) => {
        counts.transactions++;
        counts.mostOpen = Math.max(counts.mostOpen, ++counts.open);
        try {
          return await target.transaction(...args);
        } finally {
          counts.open--;
        }
      };
    },
  });
  return { db: counted, counts };
}
