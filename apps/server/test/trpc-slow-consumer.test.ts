// tRPC's WebSocket handler sends without looking at backpressure, so the subscriptions do: a
// wsLink client that stops reading is cut off once its send buffer passes the limit, and its
// link reconnects and resumes from the last tracked seq with nothing lost and nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { messagesService, type Message } from '@chat/api/server';
import { createChannel, registerUser, testDatabaseKinds, type RegisteredUser } from './helpers.js';
import {
  connectTrpc,
  eventually,
  serverSideOf,
  startTestServer,
  type TestServer,
} from './ws-client.js';

const maxBufferedBytes = 64 * 1024;
/** About 12 KB a message on the wire (three bytes a character). */
const bigContent = (i: number) => `${i} ${'€'.repeat(3_990)}`;
const count = 400;

describe.each(testDatabaseKinds())('slow tRPC subscribers on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;

  beforeAll(async () => {
    server = await startTestServer(kind, { wsLimits: { maxBufferedBytes } });
    [alice, bob] = await Promise.all([registerUser(server.app), registerUser(server.app)]);
  });
  afterAll(() => server.close());

  it('cuts off a subscriber that stopped reading, with the buffer bounded, and it resumes without a gap', async () => {
    const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
    const actor = { userId: alice.id, username: alice.username };
    for (let i = 1; i <= count; i++) {
      await messagesService.sendMessage(server.runtime.deps, actor, {
        channelId: channel.id,
        content: bigContent(i),
      });
    }

    const { client, wsClient } = connectTrpc(server, bob.accessToken);
    await eventually(
      () => wsClient.connection?.ws?.readyState === WebSocket.OPEN,
      'the tRPC socket',
    );
    const clientSocket = wsClient.connection?.ws as unknown as WebSocket;
    const onServer = serverSideOf(server, clientSocket);
    (clientSocket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    const received: Message[] = [];
    const subscription = client.realtime.messages.subscribe(
      { channelId: channel.id, lastEventId: '0' },
      { onData: ({ data }) => received.push(data) },
    );

    let largestBuffer = 0;
    await eventually(
      () => {
        if (onServer.readyState === WebSocket.OPEN)
          largestBuffer = Math.max(largestBuffer, onServer.bufferedAmount);
        return onServer.readyState !== WebSocket.OPEN;
      },
      'the stalled subscriber to be cut off',
      20_000,
    );
    expect(largestBuffer).toBeLessThanOrEqual(
      maxBufferedBytes + Buffer.byteLength(bigContent(count)) + 1_000,
    );

    (clientSocket as unknown as { _socket: { resume(): void } })._socket.resume();
    await eventually(() => received.length >= count, `${count} messages`, 30_000);
    expect(received.map((m) => m.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    subscription.unsubscribe();
    await wsClient.close();
  });
});
