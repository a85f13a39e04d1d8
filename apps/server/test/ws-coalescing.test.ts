// Frames for one /ws socket are gathered over a turn of the event loop and written together.
// Under bursts across several channels each socket still gets every message once, in seq order
// per channel, each frame its own WebSocket message, and a socket that stopped reading is still
// cut off at its bound.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { messagesService } from '@chat/api/server';
import {
  createChannel,
  registerUser,
  testDatabaseKinds,
  type ChannelBody,
  type RegisteredUser,
} from './helpers.js';
import {
  closeAllClients,
  ofType,
  serverSideOf,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

const maxBufferedBytes = 64 * 1024;
const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe.each(testDatabaseKinds())('/ws write coalescing on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;

  beforeAll(async () => {
    server = await startTestServer(kind, { wsLimits: { maxBufferedBytes } });
    [alice, bob, carol] = await Promise.all([
      registerUser(server.app),
      registerUser(server.app),
      registerUser(server.app),
    ]);
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  const post = (channel: ChannelBody, content: string) =>
    messagesService.sendMessage(
      server.runtime.deps,
      { userId: alice.id, username: alice.username },
      { channelId: channel.id, content },
    );

  it('delivers a burst across several channels to every socket once, in seq order per channel', async () => {
    const channels = await Promise.all(
      range(1, 4).map(() => createChannel(server.app, alice, { memberIds: [bob.id, carol.id] })),
    );
    const perChannel = 40;
    const [first] = channels as [ChannelBody, ...ChannelBody[]];
    const [bobWs, carolWs, aliceWs] = await Promise.all([
      WsClient.ready(server, bob.accessToken),
      WsClient.ready(server, carol.accessToken),
      WsClient.ready(server, alice.accessToken),
    ]);
    // every send at once, interleaved across the channels, some mentioning bob; and alice's own
    // frames on her socket, whose acks must keep their order among her deliveries
    const sends: Promise<unknown>[] = [];
    for (let i = 1; i <= perChannel; i++) {
      for (const channel of channels)
        sends.push(post(channel, i % 10 === 0 ? `@${bob.username} ${i}` : `burst ${i}`));
    }
    for (let i = 1; i <= 10; i++)
      aliceWs.send({
        type: 'message',
        channel: first.id,
        content: `own ${i}`,
        clientMsgId: `own-${i}`,
      });
    await Promise.all(sends);

    const total = channels.length * perChannel + 10;
    for (const client of [bobWs, carolWs, aliceWs]) {
      await client.waitForCount(ofType('message'), total, 20_000);
      await client.roundTrip();
      expect(client.malformed).toEqual([]);
      expect(client.messages()).toHaveLength(total);
      for (const [index, channel] of channels.entries()) {
        const expected = index === 0 ? perChannel + 10 : perChannel;
        expect(client.messages(channel.id).map((m) => m.seq)).toEqual(range(1, expected));
      }
    }
    // the mentions went to bob alone, once each
    expect(bobWs.received(ofType('mention'))).toHaveLength(channels.length * (perChannel / 10));
    expect(carolWs.received(ofType('mention'))).toEqual([]);
    // each ack came before alice's own message, acks in the order she sent
    const acks = aliceWs.received(ofType('ack'));
    expect(acks.map((ack) => ack.clientMsgId)).toEqual(range(1, 10).map((i) => `own-${i}`));
    for (const ack of acks) {
      const ackAt = aliceWs.frames.indexOf(ack);
      const messageAt = aliceWs.frames.findIndex(
        (frame) => frame.type === 'message' && frame.id === ack.id,
      );
      expect(ackAt).toBeLessThan(messageAt);
    }
  });

  it('still cuts off a socket that stopped reading when bursts arrive, and the peer gets all of it', async () => {
    const channel = await createChannel(server.app, alice, { memberIds: [bob.id, carol.id] });
    const [slow, peer] = await Promise.all([
      WsClient.ready(server, bob.accessToken),
      WsClient.ready(server, carol.accessToken),
    ]);
    const slowOnServer = serverSideOf(server, slow.socket);
    slow.pauseReading();
    const big = (i: number) => `${i} ${'€'.repeat(3_990)}`; // 12 KB on the wire
    let sent = 0;
    let largestBuffer = 0;
    while (slowOnServer.readyState === WebSocket.OPEN && sent < 5_000) {
      // ten at once: their frames reach the socket in the same turn
      await Promise.all(range(1, 10).map(() => post(channel, big(++sent))));
      await new Promise((resolve) => setImmediate(resolve));
      if (slowOnServer.readyState === WebSocket.OPEN)
        largestBuffer = Math.max(largestBuffer, slowOnServer.bufferedAmount);
    }
    expect(slowOnServer.readyState).not.toBe(WebSocket.OPEN);
    // the bound, plus at most one chunk written at once, plus what one burst brought
    expect(largestBuffer).toBeLessThanOrEqual(maxBufferedBytes + 64 * 1024 + 10 * 13_000);

    await peer.waitForCount(ofType('message'), sent, 30_000);
    expect(peer.messages(channel.id).map((m) => m.seq)).toEqual(range(1, sent));
    slow.resumeReading();
    await slow.closed;
    const got = slow.messages(channel.id).map((m) => m.seq);
    expect(got).toEqual(range(1, got.length));
    expect(got.length).toBeLessThan(sent);
  });
});
