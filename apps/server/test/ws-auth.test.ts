// /ws over a real socket: who may connect, and the first frame they get.
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testJwtSecret } from '@chat/api/testing';
import {
  createChannel,
  memberChannelKeys,
  ownUserKeys,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type ChannelBody,
  type RegisteredUser,
} from './helpers.js';
import {
  closeAllClients,
  ofType,
  refusedUpgradeStatus,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

describe.each(testDatabaseKinds())('/ws authentication on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;

  beforeAll(async () => {
    server = await startTestServer(kind);
    [alice, bob] = await Promise.all([registerUser(server.app), registerUser(server.app)]);
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  it('refuses an upgrade without a token with HTTP 401', async () => {
    expect(await refusedUpgradeStatus(server.wsUrl)).toBe(401);
  });

  it('refuses an upgrade with a malformed, tampered or foreign token with HTTP 401', async () => {
    const [header, payload] = alice.accessToken.split('.');
    const tampered = `${header}.${payload}.${'A'.repeat(43)}`;
    const sign = (secret: string, expiresAt: number) =>
      new SignJWT({ name: alice.username })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(alice.id)
        .setIssuer('chat')
        .setAudience('chat')
        .setIssuedAt(expiresAt - 900)
        .setExpirationTime(expiresAt)
        .sign(new TextEncoder().encode(secret));
    const now = Math.floor(Date.now() / 1000);
    const foreign = await sign(`not-${testJwtSecret}`, now + 900);
    const expired = await sign(testJwtSecret, now - 60);
    for (const token of ['nonsense', tampered, foreign, expired, alice.refreshToken]) {
      expect(
        await refusedUpgradeStatus(`${server.wsUrl}?token=${encodeURIComponent(token)}`),
        token,
      ).toBe(401);
    }
    expect(await refusedUpgradeStatus(server.wsUrl, { authorization: 'Bearer nonsense' })).toBe(
      401,
    );
    expect(await refusedUpgradeStatus(server.wsUrl, { authorization: alice.accessToken })).toBe(
      401,
    );
  });

  it('accepts the token in ?token= and says ready first, with the user and their channels', async () => {
    const channel = await createChannel(server.app, alice);
    await sendMessage(server.app, alice, channel.id, 'before connecting');
    const client = await WsClient.connect(`${server.wsUrl}?token=${alice.accessToken}`);
    const ready = await client.next(ofType('ready'));
    expect(client.frames[0]).toBe(ready);
    const user = ready.user as Record<string, unknown>;
    expect(Object.keys(user).sort()).toEqual(ownUserKeys);
    expect(user).toMatchObject({ id: alice.id, username: alice.username, status: 'online' });
    const channels = ready.channels as ChannelBody[];
    const listed = channels.find((c) => c.id === channel.id);
    expect(listed && Object.keys(listed).sort()).toEqual(memberChannelKeys);
    expect(listed).toMatchObject({ isMember: true, lastSeq: 1, lastReadSeq: 1, unreadCount: 0 });
  });

  it('accepts Authorization: Bearer on the upgrade', async () => {
    const client = await WsClient.connect(server.wsUrl, bob.auth);
    const ready = await client.next(ofType('ready'));
    expect((ready.user as { id: string }).id).toBe(bob.id);
  });

  it('answers frames sent the moment the socket opens, after ready', async () => {
    const channel = await createChannel(server.app, alice);
    const client = await WsClient.connect(`${server.wsUrl}?token=${alice.accessToken}`);
    client.send({ type: 'ping' });
    client.send({
      type: 'message',
      channel: channel.id,
      content: 'early bird',
      clientMsgId: 'early-1',
    });
    await client.next(ofType('ready'));
    await client.next(ofType('pong'));
    await client.next(ofType('ack', { clientMsgId: 'early-1' }));
    await client.next(ofType('message', { clientMsgId: 'early-1' }));
    expect(client.frames[0]?.type).toBe('ready');
  });

  it('lists only the channels the user is a member of in ready', async () => {
    const mine = await createChannel(server.app, bob);
    const others = await createChannel(server.app, alice);
    const client = await WsClient.ready(server, bob.accessToken);
    const ready = client.frames[0];
    const ids = (ready?.channels as ChannelBody[]).map((c) => c.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(others.id);
    expect((ready?.channels as ChannelBody[]).every((c) => c.isMember)).toBe(true);
  });

  it('stamps every server frame with an integer Unix-seconds timestamp', async () => {
    const channel = await createChannel(server.app, alice);
    const client = await WsClient.ready(server, alice.accessToken);
    const before = Math.floor(Date.now() / 1000);
    client.send({
      type: 'message',
      channel: channel.id,
      content: 'stamped',
      clientMsgId: 'stamp-1',
    });
    client.send({ type: 'typing', channel: '00000000-0000-4000-8000-000000000000' });
    client.send('not json');
    await client.next(ofType('message', { clientMsgId: 'stamp-1' }));
    await client.roundTrip();
    const after = Math.floor(Date.now() / 1000);
    const types = new Set(client.frames.map((f) => f.type));
    for (const type of ['ready', 'ack', 'message', 'error', 'pong']) expect(types).toContain(type);
    for (const frame of client.frames) {
      expect(Number.isInteger(frame.timestamp), frame.type).toBe(true);
      expect(frame.timestamp).toBeGreaterThanOrEqual(before - 1);
      expect(frame.timestamp).toBeLessThanOrEqual(after);
    }
    expect(client.malformed).toEqual([]);
  });
});
