// Fault drill: Redis (one the test starts itself) is killed for 5 s while two instances carry
// a conversation. /readyz says 503 within a second, every send gets a prompt answer (an ack or
// SERVICE_UNAVAILABLE), the instances reconnect by themselves, writers retry what was not acked
// and readers catch up by resume: nothing acked is lost, nothing is stored twice.
import { createEmptyPostgresDatabase } from '@chat/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelWith,
  connectReady,
  contiguousCursor,
  expectDelivered,
  registerOn,
  seqsReceived,
  sleep,
  startInstance,
  storedMessages,
  timed,
  waitForAll,
  Writer,
  type Instance,
} from './drill-clients.js';
import { TestRedis } from './drill-redis.js';
import { request, stopAllServers } from './server-process.js';
import { closeAllClients } from './ws-client.js';

const ready = (instance: Instance) => timed(request(instance.url, 'GET', '/readyz'));

describe.skipIf(!process.env.DATABASE_URL || !process.env.REDIS_URL)(
  'drill: Redis down for 5 s',
  () => {
    let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
    let redis: TestRedis;
    let a: Instance;
    let b: Instance;

    beforeAll(async () => {
      database = await createEmptyPostgresDatabase();
      redis = await TestRedis.start();
      const env = { DATABASE_URL: database.url, REDIS_URL: redis.url };
      a = await startInstance(env);
      b = await startInstance(env);
    });
    afterAll(async () => {
      await closeAllClients();
      await stopAllServers();
      await redis?.stop();
      await database?.drop();
    });

    it('answers promptly during the outage, recovers by itself and loses nothing acked', async () => {
      const [alice, bob, carol] = [await registerOn(a), await registerOn(a), await registerOn(b)];
      const channelId = await channelWith(a, alice, [bob, carol]);
      const readerA = await connectReady(a, carol);
      const readerB = await connectReady(b, carol);
      const writerA = new Writer(await connectReady(a, alice), channelId, 'alice');
      const writerB = new Writer(await connectReady(b, bob), channelId, 'bob');
      const writers = [writerA, writerB];

      await Promise.all(writers.map((writer) => writer.writeFor(500)));
      const before = writers.map((writer) => writer.answers.length);
      await redis.stop();
      // both writers carry on through the outage on their open sockets
      const writing = Promise.all(writers.map((writer) => writer.writeFor(5_000, 200)));
      await sleep(100);
      for (const instance of [a, b]) {
        const answer = await ready(instance);
        expect(answer.value?.status).toBe(503);
        expect(answer.ms).toBeLessThan(1_000);
      }
      // REST sends: a prompt 503 (with the contract body) or a success
      const rest = await timed(
        request<{ error?: { code: string } }>(
          a.url,
          'POST',
          `/api/channels/${channelId}/messages`,
          { token: alice.token, body: { content: 'over REST', clientMsgId: 'alice-rest' } },
        ),
      );
      expect(rest.ms).toBeLessThan(1_500);
      expect([201, 503]).toContain(rest.value?.status);
      if (rest.value?.status === 503)
        expect(rest.value.body.error?.code).toBe('SERVICE_UNAVAILABLE');
      // signing in and tRPC calls get their prompt 503 too
      for (const [method, path, body] of [
        ['POST', '/api/auth/login', { username: 'someone', password: 'a password' }],
        ['GET', '/trpc/channels.list', undefined],
      ] as const) {
        const answer = await timed(request(a.url, method, path, { token: alice.token, body }));
        expect(answer.value?.status, path).toBe(503);
        expect(answer.ms, path).toBeLessThan(1_500);
      }
      await writing;

      await redis.resume();
      const back = Date.now();
      for (const instance of [a, b]) {
        while ((await ready(instance)).value?.status !== 200) {
          expect(Date.now() - back, 'readyz 200 again').toBeLessThan(10_000);
          await sleep(100);
        }
      }
      // during the outage every /ws send was answered, promptly, with an ack or a 503
      const during = writers.flatMap((writer, index) => writer.answers.slice(before[index]));
      expect(during.length).toBeGreaterThan(20);
      for (const answer of during) {
        expect(['ack', 'SERVICE_UNAVAILABLE'], JSON.stringify(answer)).toContain(answer.outcome);
        expect(answer.ms, JSON.stringify(answer)).toBeLessThan(2_000);
      }
      expect(during.some((answer) => answer.outcome === 'SERVICE_UNAVAILABLE')).toBe(true);

      // the instances are subscribed again by themselves: a new message reaches both readers live
      const after = await writerB.postNext();
      expect(after.outcome).toBe('ack');
      for (const reader of [readerA, readerB])
        await reader.waitFor(
          (frame) => frame.type === 'message' && frame.clientMsgId === after.clientMsgId,
        );
      await Promise.all(writers.map((writer) => writer.retryUnacked()));

      // what was missed meanwhile, the readers get by resume
      const rows = await storedMessages(database.url, channelId);
      for (const reader of [readerA, readerB]) {
        reader.send({
          type: 'resume',
          cursors: { [channelId]: contiguousCursor(seqsReceived([reader], channelId)) },
        });
        await waitForAll([reader], channelId, rows.length);
      }
      expectDelivered(
        rows,
        writers,
        [readerA, readerB].map((reader) => seqsReceived([reader], channelId)),
      );
    }, 45_000);
  },
);
