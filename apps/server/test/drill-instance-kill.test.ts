// Fault drill: one of two instances is SIGKILLed while writers on both post over /ws. The
// writer that lost its instance reconnects to the survivor and posts again, with the same
// clientMsgId, whatever was not acked; the reader that lost its instance reconnects and resumes
// from its last seq. Every acked message is stored exactly once, and every reader ends up with
// every message exactly once (the one that never lost its connection, live and in seq order).
import { createEmptyPostgresDatabase } from '@chat/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelWith,
  connectReady,
  contiguousCursor,
  expectDelivered,
  registerOn,
  seqsReceived,
  startInstance,
  storedMessages,
  timed,
  waitForAll,
  Writer,
  type Instance,
} from './drill-clients.js';
import { TestRedis } from './drill-redis.js';
import { stopAllServers } from './server-process.js';
import { closeAllClients, type WsClient } from './ws-client.js';

describe.skipIf(!process.env.DATABASE_URL || !process.env.REDIS_URL)(
  'drill: an instance killed mid-stream',
  () => {
    let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
    let redis: TestRedis;
    let survivor: Instance;
    let victim: Instance;

    beforeAll(async () => {
      database = await createEmptyPostgresDatabase();
      redis = await TestRedis.start();
      const env = { DATABASE_URL: database.url, REDIS_URL: redis.url };
      // one after the other: the first migrates the database
      survivor = await startInstance(env);
      victim = await startInstance(env);
    });
    afterAll(async () => {
      await closeAllClients();
      await stopAllServers();
      await redis?.stop();
      await database?.drop();
    });

    it('loses and doubles nothing acked, and every reader resumes without gap', async () => {
      const [alice, bob, carol, dave] = [
        await registerOn(survivor),
        await registerOn(survivor),
        await registerOn(victim),
        await registerOn(victim),
      ];
      const channelId = await channelWith(survivor, alice, [bob, carol, dave]);
      const readerOnSurvivor = [await connectReady(survivor, carol)];
      const readerOnVictim: WsClient[] = [await connectReady(victim, dave)];
      const victimSocket = await connectReady(victim, bob);
      const writerOnSurvivor = new Writer(await connectReady(survivor, alice), channelId, 'alice');
      const writerOnVictim = new Writer(victimSocket, channelId, 'bob');

      const survivorWrites = writerOnSurvivor.writeFor(3_000);
      await writerOnVictim.writeFor(1_000);
      // three sent and not yet answered when the process dies: some may be stored, none acked
      const unanswered = [
        writerOnVictim.postNext(),
        writerOnVictim.postNext(),
        writerOnVictim.postNext(),
      ];
      await victim.server.process.kill();
      // the kernel closes the dead process's sockets: its clients hear of it at once
      const closed = await timed(victimSocket.closed);
      expect(closed.ms).toBeLessThan(2_000);
      const lastAnswers = await Promise.all(unanswered);
      expect(lastAnswers.some((answer) => answer.outcome === 'closed')).toBe(true);

      // both clients of the dead instance come back on the survivor
      writerOnVictim.reconnect(await connectReady(survivor, bob));
      await writerOnVictim.retryUnacked();
      const resumed = await connectReady(survivor, dave);
      resumed.send({
        type: 'resume',
        cursors: { [channelId]: contiguousCursor(seqsReceived(readerOnVictim, channelId)) },
      });
      readerOnVictim.push(resumed);
      await survivorWrites;
      await writerOnSurvivor.retryUnacked();

      const rows = await storedMessages(database.url, channelId);
      await waitForAll(readerOnSurvivor, channelId, rows.length);
      await waitForAll(readerOnVictim, channelId, rows.length);
      expect(writerOnVictim.acked.size).toBe(writerOnVictim.sentIds.length);
      expect(writerOnSurvivor.acked.size).toBe(writerOnSurvivor.sentIds.length);
      for (const answer of [...writerOnSurvivor.answers, ...writerOnVictim.answers])
        expect(['ack', 'closed'], JSON.stringify(answer)).toContain(answer.outcome);
      // the reader that never lost its connection got them live, in seq order
      expect(seqsReceived(readerOnSurvivor, channelId)).toEqual(rows.map((row) => row.seq));
      expectDelivered(
        rows,
        [writerOnSurvivor, writerOnVictim],
        [seqsReceived(readerOnSurvivor, channelId), seqsReceived(readerOnVictim, channelId)],
      );
    }, 45_000);
  },
);
