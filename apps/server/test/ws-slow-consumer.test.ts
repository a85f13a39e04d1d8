// A /ws client that stops reading must not make the server buffer without bound: past
// `maxBufferedBytes` queued for its socket it is cut off (it resumes when it reconnects), and the
// others in the channel carry on unharmed.
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
  serverSideOf as serverSide,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

const maxBufferedBytes = 64 * 1024;
/** Close to the 4000-character limit, and three bytes a character: 12 KB a message on the wire. */
const bigContent = (i: number) => `${i} ${'€'.repeat(3_990)}`;
const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe.each(testDatabaseKinds())('/ws slow consumers on %s', (kind) => {
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

  const serverSideOf = (client: WsClient) => serverSide(server, client.socket);

  it('cuts off a client that stopped reading, with the buffer bounded, while a normal peer gets every message in order', async () => {
    const channel = await createChannel(server.app, alice, { memberIds: [bob.id, carol.id] });
    const [slow, peer] = await Promise.all([
      WsClient.ready(server, bob.accessToken),
      WsClient.ready(server, carol.accessToken),
    ]);
    const slowOnServer = serverSideOf(slow);
    slow.pauseReading();

    // Flood until the server gives up on the stalled client (the kernel's socket buffers absorb
    // the first megabytes, so the count varies; the bound on the server's own buffer does not).
    // Delivery to local sockets happens within the publish, so after each send the buffer is
    // as full as that message made it. Between sends the event loop reads sockets: the peer
    // (in this same process) is a client that keeps up.
    let sent = 0;
    let largestBuffer = 0;
    const flood = async (count: number) => {
      for (let i = 0; i < count; i++) {
        await post(channel, bigContent(++sent));
        if (slowOnServer.readyState === WebSocket.OPEN)
          largestBuffer = Math.max(largestBuffer, slowOnServer.bufferedAmount);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    while (slowOnServer.readyState === WebSocket.OPEN && sent < 5_000) await flood(1);
    expect(slowOnServer.readyState).not.toBe(WebSocket.OPEN);
    const frameBytes = Buffer.byteLength(bigContent(sent)) + 1_000;
    expect(largestBuffer).toBeLessThanOrEqual(maxBufferedBytes + frameBytes);
    // the flood goes on a little after the cut-off
    await flood(20);

    // the peer got all of it, in order
    await peer.waitForCount(ofType('message'), sent, 20_000);
    expect(peer.messages(channel.id).map((m) => m.seq)).toEqual(range(1, sent));
    expect(peer.socket.readyState).toBe(WebSocket.OPEN);

    // the stalled client, reading again, finds what had reached it, in order, then the close
    slow.resumeReading();
    const { code } = await slow.closed;
    expect(code).toBe(1006);
    const got = slow.messages(channel.id).map((m) => m.seq);
    expect(got).toEqual(range(1, got.length));
    expect(got.length).toBeLessThan(sent);

    // and it comes back with its cursor for the rest
    const back = await WsClient.ready(server, bob.accessToken);
    back.send({ type: 'resume', cursors: { [channel.id]: got.length } });
    await back.waitForCount(ofType('message'), sent - got.length, 20_000);
    expect(back.messages(channel.id).map((m) => m.seq)).toEqual(range(got.length + 1, sent));
  });

  it('paces a long resume to a client that reads slowly instead of cutting it off', async () => {
    const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
    // 6 MB: more than the kernel's socket buffers take here (about 4 MB), a hundred times the limit
    const count = 500;
    for (let i = 1; i <= count; i++) await post(channel, bigContent(i));
    const client = await WsClient.ready(server, bob.accessToken);
    const onServer = serverSideOf(client);
    client.pauseReading();
    client.send({ type: 'resume', cursors: { [channel.id]: 0 } });
    // the kernel's buffers fill, then the server's own starts to: it must wait there
    const deadline = Date.now() + 5_000;
    while (
      onServer.readyState === WebSocket.OPEN &&
      onServer.bufferedAmount < maxBufferedBytes / 4 &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onServer.readyState).toBe(WebSocket.OPEN);
    expect(onServer.bufferedAmount).toBeLessThanOrEqual(maxBufferedBytes);
    client.resumeReading();
    await client.waitForCount(ofType('message'), count, 20_000);
    await client.roundTrip();
    expect(client.messages(channel.id).map((m) => m.seq)).toEqual(range(1, count));
  });
});
