// Fault drill: Postgres becomes unreachable for 10 s (a TCP proxy in front of the machine's
// server resets every connection and leaves new ones unanswered). Sends get SERVICE_UNAVAILABLE
// within about a second, /readyz says 503, nothing is acked that is not in the table, seqs have
// no gap, and the instance recovers by itself when the network is back.
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
  waitForAll,
  Writer,
  type Instance,
} from './drill-clients.js';
import { sleep, TcpProxy, TestRedis, timed } from './drill-tools.js';
import { request, stopAllServers } from './server-process.js';
import { closeAllClients } from './ws-client.js';

describe.skipIf(!process.env.DATABASE_URL || !process.env.REDIS_URL)(
  'drill: Postgres unreachable for 10 s',
  () => {
    let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
    let redis: TestRedis;
    let proxy: TcpProxy;
    let instance: Instance;

    beforeAll(async () => {
      database = await createEmptyPostgresDatabase();
      const direct = new URL(database.url);
      proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
      const proxied = new URL(database.url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(proxy.port);
      redis = await TestRedis.start();
      instance = await startInstance({ DATABASE_URL: proxied.toString(), REDIS_URL: redis.url });
    });
    afterAll(async () => {
      await closeAllClients();
      await stopAllServers();
      await proxy?.close();
      await redis?.stop();
      await database?.drop();
    });

    it('answers 503 within about a second, acks only what is stored, and recovers', async () => {
      const [alice, bob] = [await registerOn(instance), await registerOn(instance)];
      const channelId = await channelWith(instance, alice, [bob]);
      const reader = await connectReady(instance, bob);
      const writer = new Writer(await connectReady(instance, alice), channelId, 'alice');
      const writeFor = async (ms: number) => {
        const until = Date.now() + ms;
        while (Date.now() < until) await Promise.all([writer.postNext(), sleep(80)]);
      };

      await writeFor(500);
      const before = writer.answers.length;
      proxy.cut();
      const cutAt = Date.now();
      await writeFor(1_500);
      const readyz = await timed(request(instance.url, 'GET', '/readyz'));
      expect(readyz.value?.status).toBe(503);
      expect(readyz.ms).toBeLessThan(1_500);
      const send = await timed(
        request<{ error?: { code: string } }>(
          instance.url,
          'POST',
          `/api/channels/${channelId}/messages`,
          { token: alice.token, body: { content: 'over REST', clientMsgId: 'alice-rest' } },
        ),
      );
      expect(send.value?.status).toBe(503);
      expect(send.value?.body.error?.code).toBe('SERVICE_UNAVAILABLE');
      expect(send.ms).toBeLessThan(1_500);
      // signing in and tRPC calls get their prompt 503 too
      for (const [method, path, body] of [
        ['POST', '/api/auth/login', { username: 'someone', password: 'a password' }],
        ['GET', '/trpc/channels.list', undefined],
      ] as const) {
        const answer = await timed(
          request(instance.url, method, path, { token: alice.token, body }),
        );
        expect(answer.value?.status, path).toBe(503);
        expect(answer.ms, path).toBeLessThan(1_500);
      }
      // a new /ws connection is refused with 503 rather than left hanging
      const upgrade = await timed(connectReady(instance, bob));
      expect(String(upgrade.error)).toContain('HTTP 503');
      expect(upgrade.ms).toBeLessThan(1_500);
      await writeFor(10_000 - (Date.now() - cutAt));

      const during = writer.answers.slice(before);
      expect(during.length).toBeGreaterThan(5);
      for (const answer of during) {
        expect(['ack', 'SERVICE_UNAVAILABLE'], JSON.stringify(answer)).toContain(answer.outcome);
        // bounded by the connect timeout (1 s): no frame waits for the outage to end
        expect(answer.ms, JSON.stringify(answer)).toBeLessThan(2_000);
      }
      const refused = during.filter((answer) => answer.outcome === 'SERVICE_UNAVAILABLE');
      expect(refused.length).toBeGreaterThan(during.length / 2);

      proxy.restore();
      const back = Date.now();
      while ((await request(instance.url, 'GET', '/readyz')).status !== 200) {
        expect(Date.now() - back, 'readyz 200 again').toBeLessThan(10_000);
        await sleep(100);
      }
      await writeFor(500);
      await writer.retryUnacked();

      const rows = await storedMessages(database.url, channelId);
      reader.send({
        type: 'resume',
        cursors: { [channelId]: contiguousCursor(seqsReceived([reader], channelId)) },
      });
      await waitForAll([reader], channelId, rows.length);
      expectDelivered(rows, [writer], [seqsReceived([reader], channelId)]);
    });
  },
);
