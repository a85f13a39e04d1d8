// Threads over /ws with real sockets: a reply sent as a `message` frame with parentId, the
// root's `message_updated` after it, nothing for outsiders, and resume that delivers replies
// like every other message: once, in seq order.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type ChannelBody,
  type MessageBody,
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

const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe.each(testDatabaseKinds())('threads over /ws on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;
  let outsider: RegisteredUser;

  beforeAll(async () => {
    server = await startTestServer(kind, { wsLimits: { burst: 1_000, perSecond: 1_000 } });
    const register = () => registerUser(server.app);
    [alice, bob, carol, outsider] = await Promise.all([
      register(),
      register(),
      register(),
      register(),
    ]);
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  const privateChannel = () =>
    createChannel(server.app, alice, { isPrivate: true, memberIds: [bob.id, carol.id] });
  const rootUpdate = (root: MessageBody, replyCount: number) => (frame: Frame) =>
    frame.type === 'message_updated' &&
    (frame.message as MessageBody).id === root.id &&
    (frame.message as MessageBody).replyCount === replyCount;

  it('acks a reply frame and shows members the reply, then its root with the count', async () => {
    const channel = await privateChannel();
    const root = await sendMessage(server.app, alice, channel.id, 'root');
    const [writer, reader, stranger] = await Promise.all([
      WsClient.ready(server, bob.accessToken),
      WsClient.ready(server, alice.accessToken),
      WsClient.ready(server, outsider.accessToken),
    ]);
    writer.send({
      type: 'message',
      channel: channel.id,
      content: 'in the thread',
      clientMsgId: 'reply-1',
      parentId: root.id,
    });
    const ack = await writer.next(ofType('ack', { clientMsgId: 'reply-1' }));
    expect(ack).toMatchObject({ channel: channel.id, seq: 2 });

    const message = await reader.next(ofType('message', { channel: channel.id, seq: 2 }));
    expect(message).toMatchObject({ parentId: root.id, content: 'in the thread', id: ack.id });
    const updated = await reader.next(rootUpdate(root, 1));
    expect(updated).toMatchObject({
      channel: channel.id,
      message: {
        id: root.id,
        parentId: null,
        replyUserIds: [bob.id],
        lastReplyAt: message.createdAt,
      },
    });

    // the outsider got nothing of it, not even the root's new count
    await stranger.roundTrip();
    expect(stranger.frames.filter((f) => f.channel === channel.id)).toEqual([]);
  });

  it('answers a bad parentId with an error frame naming the message, and stays open', async () => {
    const channel = await privateChannel();
    const other = await createChannel(server.app, alice);
    const elsewhere = await sendMessage(server.app, alice, other.id, 'elsewhere');
    const client = await WsClient.ready(server, alice.accessToken);
    const cases: [unknown, string][] = [
      ['not-a-uuid', 'BAD_REQUEST'],
      [randomUUID(), 'NOT_FOUND'],
      [elsewhere.id, 'BAD_REQUEST'],
    ];
    for (const [parentId, code] of cases) {
      const clientMsgId = randomUUID();
      client.send({ type: 'message', channel: channel.id, content: 'x', clientMsgId, parentId });
      await expect(client.next(ofType('error', { ref: clientMsgId }))).resolves.toMatchObject({
        code,
      });
    }
    await client.roundTrip();
    expect(client.messages(channel.id)).toEqual([]);
  });

  it('resumes after a disconnect with every reply once, in seq order, while others keep replying', async () => {
    const channel: ChannelBody = await privateChannel();
    const root = await sendMessage(server.app, alice, channel.id, 'root');
    const first = await WsClient.ready(server, alice.accessToken);
    await sendMessage(server.app, bob, channel.id, 'top-level');
    await first.next(ofType('message', { channel: channel.id, seq: 2 }));
    await first.close();

    // two repliers (one over REST, one over its own socket) post 20 replies each
    const socket = await WsClient.ready(server, carol.accessToken);
    const overRest = (async () => {
      for (let i = 0; i < 20; i++) {
        const response = await server.app.inject({
          method: 'POST',
          url: `/api/channels/${channel.id}/messages`,
          headers: bob.auth,
          payload: { content: `rest ${i}`, parentId: root.id },
        });
        expect(response.statusCode).toBe(201);
      }
    })();
    const overSocket = (async () => {
      for (let i = 0; i < 20; i++) {
        const clientMsgId = `resume-${channel.id}-${i}`;
        socket.send({
          type: 'message',
          channel: channel.id,
          content: `socket ${i}`,
          clientMsgId,
          parentId: root.id,
        });
        await socket.waitFor(ofType('ack', { clientMsgId }));
      }
    })();

    const second = await WsClient.connect(`${server.wsUrl}?token=${alice.accessToken}`);
    second.send({ type: 'resume', cursors: { [channel.id]: 2 } });
    await Promise.all([overRest, overSocket]);
    const received = await second.waitForCount(ofType('message', { channel: channel.id }), 40);
    await second.roundTrip();

    const seqs = second.messages(channel.id).map((m) => m.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(range(3, 42));
    // live ones that came before the resume was handled form one run; from the resume on, rising
    const drop = seqs.findIndex((seq, i) => i > 0 && seq < (seqs[i - 1] as number));
    const early = drop === -1 ? [] : seqs.slice(0, drop);
    const resumed = drop === -1 ? seqs : seqs.slice(drop);
    expect(early).toEqual(early.length ? range(early[0] as number, early.at(-1) as number) : []);
    expect(resumed[0]).toBe(drop === -1 ? seqs[0] : 3);
    expect(resumed.every((seq, i) => i === 0 || seq > (resumed[i - 1] as number))).toBe(true);
    expect(received.every((m) => m.parentId === root.id)).toBe(true);
    // and the root's last announced count is the exact total
    await second.waitFor(rootUpdate(root, 40));
  });
});
