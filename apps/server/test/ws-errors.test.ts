// /ws over a real socket: bad frames get an `error` frame and the connection carries on; a frame
// over 64 KiB closes it with 1009; a client that sends too fast is told to slow down.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
  startTestServer,
  WsClient,
  type Frame,
  type TestServer,
} from './ws-client.js';

const missingId = '00000000-0000-4000-8000-000000000000';

describe.each(testDatabaseKinds())('/ws bad frames on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let privateChannel: ChannelBody;
  let publicChannel: ChannelBody;

  beforeAll(async () => {
    server = await startTestServer(kind);
    [alice, bob] = await Promise.all([registerUser(server.app), registerUser(server.app)]);
    privateChannel = await createChannel(server.app, alice, { isPrivate: true });
    publicChannel = await createChannel(server.app, alice);
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  /** Sends a frame, expects an error frame for it, and checks that the socket still answers. */
  async function expectErrorFrame(
    client: WsClient,
    sent: object | string,
    code: string,
    ref: string | null = null,
  ) {
    client.send(sent);
    const error = await client.next(ofType('error'));
    const keys = [
      'type',
      'code',
      'message',
      'ref',
      'timestamp',
      ...(error.issues ? ['issues'] : []),
    ];
    expect(Object.keys(error).sort()).toEqual(keys.sort());
    expect(error).toMatchObject({ code, ref });
    expect(typeof error.message).toBe('string');
    expect((error.message as string).length).toBeGreaterThan(0);
    await client.roundTrip();
    return error;
  }

  const issuePaths = (error: Frame) =>
    (error.issues as { path: string; message: string }[]).map((issue) => issue.path);

  it('answers ping with pong', async () => {
    const client = await WsClient.ready(server, bob.accessToken);
    client.send({ type: 'ping' });
    const pong = await client.next(ofType('pong'));
    expect(Object.keys(pong).sort()).toEqual(['timestamp', 'type']);
  });

  it('answers a frame that is not JSON with BAD_REQUEST', async () => {
    const client = await WsClient.ready(server, bob.accessToken);
    await expectErrorFrame(client, '{"type": "message", ', 'BAD_REQUEST');
    await expectErrorFrame(client, 'hello', 'BAD_REQUEST');
  });

  it('answers JSON that is not a frame object with BAD_REQUEST', async () => {
    const client = await WsClient.ready(server, bob.accessToken);
    for (const text of ['42', 'null', '"ping"', '[{"type":"ping"}]', '{}']) {
      await expectErrorFrame(client, text, 'BAD_REQUEST');
    }
  });

  it('answers a binary frame with BAD_REQUEST', async () => {
    const client = await WsClient.ready(server, bob.accessToken);
    client.socket.send(Buffer.from(JSON.stringify({ type: 'ping' })), { binary: true });
    expect(await client.next(ofType('error'))).toMatchObject({ code: 'BAD_REQUEST' });
    await client.roundTrip();
  });

  it('answers an unknown type with BAD_REQUEST, ref = its clientMsgId', async () => {
    const client = await WsClient.ready(server, bob.accessToken);
    await expectErrorFrame(
      client,
      { type: 'shout', clientMsgId: 'c-unknown' },
      'BAD_REQUEST',
      'c-unknown',
    );
    await expectErrorFrame(client, { type: 'shout' }, 'BAD_REQUEST');
  });

  it('answers a frame that fails validation with BAD_REQUEST and issues', async () => {
    const client = await WsClient.ready(server, bob.accessToken);
    const noChannel = await expectErrorFrame(
      client,
      { type: 'message', content: 'hi', clientMsgId: 'c-1' },
      'BAD_REQUEST',
      'c-1',
    );
    expect(issuePaths(noChannel)).toContain('channel');
    const badId = await expectErrorFrame(
      client,
      { type: 'typing', channel: 'general' },
      'BAD_REQUEST',
    );
    expect(issuePaths(badId)).toContain('channel');
    const blank = await expectErrorFrame(
      client,
      { type: 'message', channel: publicChannel.id, content: '   ', clientMsgId: 'c-2' },
      'BAD_REQUEST',
      'c-2',
    );
    expect(issuePaths(blank)).toContain('content');
    const badSeq = await expectErrorFrame(
      client,
      { type: 'read', channel: publicChannel.id, seq: -1 },
      'BAD_REQUEST',
    );
    expect(issuePaths(badSeq)).toContain('seq');
    const badStatus = await expectErrorFrame(
      client,
      { type: 'presence', status: 'offline' },
      'BAD_REQUEST',
    );
    expect(issuePaths(badStatus)).toContain('status');
  });

  it('answers content over 4000 characters with BAD_REQUEST on content, ref = its clientMsgId', async () => {
    const client = await WsClient.ready(server, alice.accessToken);
    const error = await expectErrorFrame(
      client,
      {
        type: 'message',
        channel: publicChannel.id,
        content: 'x'.repeat(4001),
        clientMsgId: 'c-long',
      },
      'BAD_REQUEST',
      'c-long',
    );
    expect(issuePaths(error)).toEqual(['content']);
    // 4000 is fine
    client.send({
      type: 'message',
      channel: publicChannel.id,
      content: 'x'.repeat(4000),
      clientMsgId: 'c-4000',
    });
    await client.next(ofType('ack', { clientMsgId: 'c-4000' }));
  });

  it('answers NOT_FOUND for a private channel the user is not in, as for one that does not exist', async () => {
    const client = await WsClient.ready(server, bob.accessToken);
    for (const channel of [privateChannel.id, missingId]) {
      const sent = { type: 'message', channel, content: 'let me in', clientMsgId: `c-${channel}` };
      await expectErrorFrame(client, sent, 'NOT_FOUND', `c-${channel}`);
      await expectErrorFrame(client, { type: 'typing', channel }, 'NOT_FOUND');
      await expectErrorFrame(client, { type: 'join', channel }, 'NOT_FOUND');
      await expectErrorFrame(client, { type: 'read', channel, seq: 1 }, 'NOT_FOUND');
    }
    // and nothing of the private channel was written
    const response = await server.app.inject({
      method: 'GET',
      url: `/api/channels/${privateChannel.id}`,
      headers: alice.auth,
    });
    expect(response.json<{ channel: ChannelBody }>().channel.lastSeq).toBe(0);
  });

  it('answers a message to a public channel the user has not joined with the code REST gives', async () => {
    const rest = await server.app.inject({
      method: 'POST',
      url: `/api/channels/${publicChannel.id}/messages`,
      headers: bob.auth,
      payload: { content: 'drive-by' },
    });
    expect(rest.statusCode).toBeGreaterThanOrEqual(400);
    const restCode = rest.json<{ error: { code: string } }>().error.code;
    const client = await WsClient.ready(server, bob.accessToken);
    const sent = {
      type: 'message',
      channel: publicChannel.id,
      content: 'drive-by',
      clientMsgId: 'c-drive-by',
    };
    await expectErrorFrame(client, sent, restCode, 'c-drive-by');
  });

  it('closes the connection with 1009 on a frame over 64 KiB', async () => {
    const client = await WsClient.ready(server, alice.accessToken);
    const content = 'x'.repeat(64 * 1024);
    client.send({ type: 'message', channel: publicChannel.id, content, clientMsgId: 'c-huge' });
    const { code } = await client.closed;
    expect(code).toBe(1009);
  });

  it('keeps a frame just under 64 KiB (then it is only a validation error)', async () => {
    const client = await WsClient.ready(server, alice.accessToken);
    const content = 'x'.repeat(60 * 1024);
    const error = await expectErrorFrame(
      client,
      { type: 'message', channel: publicChannel.id, content, clientMsgId: 'c-big' },
      'BAD_REQUEST',
      'c-big',
    );
    expect(issuePaths(error)).toEqual(['content']);
  });
});

describe.each(testDatabaseKinds())('/ws rate limit on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let channel: ChannelBody;

  beforeAll(async () => {
    // 5 frames at once, then 20 per second
    server = await startTestServer(kind, { wsLimits: { burst: 5, perSecond: 20 } });
    alice = await registerUser(server.app);
    channel = await createChannel(server.app, alice);
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  it('answers frames past the burst with TOO_MANY_REQUESTS (ref = their clientMsgId) and carries on after', async () => {
    const client = await WsClient.ready(server, alice.accessToken);
    const ids = Array.from({ length: 15 }, (_, i) => `burst-${i}`);
    // one write, so the frames arrive together, far faster than 20 per second
    for (const clientMsgId of ids)
      client.send({ type: 'message', channel: channel.id, content: clientMsgId, clientMsgId });
    await client.waitForCount((f) => f.type === 'ack' || f.type === 'error', ids.length);
    const acked = client.received(ofType('ack')).map((f) => f.clientMsgId);
    const refused = client
      .received(ofType('error', { code: 'TOO_MANY_REQUESTS' }))
      .map((f) => f.ref);
    expect(acked.length).toBeGreaterThanOrEqual(5);
    expect(acked.length).toBeLessThan(ids.length);
    // every frame is either acked or refused by name, and none twice
    expect([...acked, ...refused].sort()).toEqual([...ids].sort());
    // refused frames were not written
    const history = await server.app.inject({
      method: 'GET',
      url: `/api/channels/${channel.id}/messages?limit=100`,
      headers: alice.auth,
    });
    const contents = history.json<{ items: { content: string }[] }>().items.map((m) => m.content);
    expect(contents.sort()).toEqual([...acked].sort());

    // the bucket refills: after a pause the socket answers again
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.roundTrip();
  });
});
