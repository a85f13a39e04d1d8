// Fault drill: Postgres becomes unreachable for 10 s. A TCP proxy in front of the machine's
// server (with a database of the drill's own) goes silent: open connections stop carrying
// anything, without a reset, and new ones are never answered. Sends get SERVICE_UNAVAILABLE
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
  sleep,
  startInstance,
  storedMessages,
  timed,
  waitForAll,
  Writer,
  type Instance,
} from './drill-clients.js';
import { TcpProxy } from './drill-proxy.js';
import { request, stopAllServers } from './server-process.js';
import { closeAllClients } from './ws-client.js';

/** A prompt answer: the breaker's, or a call that failed on its own within the watch and probe. */
const promptMs = 2_000;

describe.skipIf(!process.env.DATABASE_URL)('drill: Postgres unreachable for 10 s', () => {
  let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
  let proxy: TcpProxy;
  let instance: Instance;

  beforeAll(async () => {
    database = await createEmptyPostgresDatabase();
    const direct = new URL(database.url);
    proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    instance = await startInstance({ DATABASE_URL: proxied.toString() });
  });
  afterAll(async () => {
    await closeAllClients();
    await stopAllServers();
    await proxy?.close();
    await database?.drop();
  });

  it('answers 503 within about a second, acks only what is stored, and recovers', async () => {
    const [alice, bob] = [await registerOn(instance), await registerOn(instance)];
    const channelId = await channelWith(instance, alice, [bob]);
    const reader = await connectReady(instance, bob);
    const writer = new Writer(await connectReady(instance, alice), channelId, 'alice');

    await writer.writeFor(500);
    const before = writer.answers.length;
    proxy.cut();
    const cutAt = Date.now();
    // the writer carries on through the outage on its open socket, a new message every 250 ms
    const writing = writer.writeFor(10_000, 250);

    await sleep(2_000);
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
      const answer = await timed(request(instance.url, method, path, { token: alice.token, body }));
      expect(answer.value?.status, path).toBe(503);
      expect(answer.ms, path).toBeLessThan(1_500);
    }
    // a new /ws connection is refused with 503 rather than left hanging
    const upgrade = await timed(connectReady(instance, bob));
    expect(String(upgrade.error)).toContain('HTTP 503');
    expect(upgrade.ms).toBeLessThan(1_500);
    await writing;
    expect(Date.now() - cutAt).toBeLessThan(12_000);

    // every /ws send during the cut was answered promptly, and none was acked
    const during = writer.answers.slice(before);
    expect(during.length).toBeGreaterThan(10);
    for (const answer of during) {
      expect(answer.outcome, JSON.stringify(answer)).toBe('SERVICE_UNAVAILABLE');
      expect(answer.ms, JSON.stringify(answer)).toBeLessThan(promptMs);
    }

    proxy.restore();
    const back = Date.now();
    while ((await request(instance.url, 'GET', '/readyz')).status !== 200) {
      expect(Date.now() - back, 'readyz 200 again').toBeLessThan(10_000);
      await sleep(100);
    }
    // the server gave up on the connections the cut silenced, rather than wait on them
    expect(proxy.silencedConnections).toBe(0);
    await writer.writeFor(500);
    await writer.retryUnacked();

    const rows = await storedMessages(database.url, channelId);
    reader.send({
      type: 'resume',
      cursors: { [channelId]: contiguousCursor(seqsReceived([reader], channelId)) },
    });
    await waitForAll([reader], channelId, rows.length);
    expectDelivered(rows, [writer], [seqsReceived([reader], channelId)]);
  }, 45_000);
});
