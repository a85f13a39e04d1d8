// The server pings every /ws socket; a peer that stops answering (gone without a close) is
// dropped and goes offline, while one that answers stays connected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createChannel, registerUser, testDatabaseKinds, type RegisteredUser } from './helpers.js';
import {
  closeAllClients,
  eventually,
  serverSideOf,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

const pingIntervalMs = 100;

describe.each(testDatabaseKinds())('/ws heartbeat on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;

  beforeAll(async () => {
    server = await startTestServer(kind, { wsLimits: { pingIntervalMs } });
    [alice, bob] = await Promise.all([registerUser(server.app), registerUser(server.app)]);
  });
  afterAll(async () => {
    await closeAllClients();
    await server.close();
  });

  it('drops a peer that stopped answering pings and takes it offline, keeping one that answers', async () => {
    // sharing a channel is what makes bob's presence alice's business
    await createChannel(server.app, alice, { memberIds: [bob.id] });
    const [lively, silent] = await Promise.all([
      WsClient.ready(server, alice.accessToken),
      WsClient.ready(server, bob.accessToken),
    ]);
    const silentOnServer = serverSideOf(server, silent.socket);
    silent.pauseReading();

    await eventually(
      () => silentOnServer.readyState !== WebSocket.OPEN,
      'the silent peer to be dropped',
      5_000,
    );
    await lively.next(
      (frame) => frame.type === 'presence' && frame.userId === bob.id && frame.status === 'offline',
    );
    const connected = await server.runtime.deps.presence.connectedUserIds([alice.id, bob.id]);
    expect([...connected]).toEqual([alice.id]);

    // several intervals later the answering peer is still there and served
    await new Promise((resolve) => setTimeout(resolve, pingIntervalMs * 5));
    expect(lively.socket.readyState).toBe(WebSocket.OPEN);
    await lively.roundTrip();
  });
});
