// Resume over /ws with real sockets: a client that was away sends its cursor and gets every
// message it missed exactly once, in seq order, then carries on live — while others keep posting.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backlogPageSize, messagesService, reactionsService } from '@chat/api/server';
import {
  createChannel,
  messageKeys,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type ChannelBody,
  type MessageBody,
  type RegisteredUser,
} from './helpers.js';
import { multipartBody, multipartHeaders } from './uploads.js';
import {
  closeAllClients,
  ofType,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * API.md's promise for a resume, as the client sees it: every seq from `from` to `to` exactly
 * once. Live messages the server sent before it handled the resume (they may arrive between
 * `ready` and `resume`) can come first, as one run in order; from the resume on, strictly
 * increasing: the missed ones from the cursor, then everything newer.
 */
function expectResumed(seqs: number[], from: number, to: number) {
  expect([...seqs].sort((a, b) => a - b)).toEqual(range(from, to));
  const drop = seqs.findIndex((seq, i) => i > 0 && seq < (seqs[i - 1] as number));
  if (drop === -1) return;
  const early = seqs.slice(0, drop);
  const resumed = seqs.slice(drop);
  expect(early).toEqual(range(early[0] as number, early.at(-1) as number));
  expect(resumed[0]).toBe(from);
  expect(resumed.every((seq, i) => i === 0 || seq > (resumed[i - 1] as number))).toBe(true);
}

describe.each(testDatabaseKinds())('/ws resume on %s', (kind) => {
  let server: TestServer;
  let reader: RegisteredUser;
  let writers: RegisteredUser[];

  beforeAll(async () => {
    // the socket writer posts faster than the default rate limit allows
    server = await startTestServer(kind, { wsLimits: { burst: 1_000, perSecond: 1_000 } });
    const register = () => registerUser(server.app);
    [reader, ...writers] = await Promise.all([register(), register(), register(), register()]);
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  const newChannel = () =>
    createChannel(server.app, reader, { memberIds: writers.map((w) => w.id) });
  const inChannel = (channel: ChannelBody) => ofType('message', { channel: channel.id });
  const connectRaw = (user: RegisteredUser) =>
    WsClient.connect(`${server.wsUrl}?token=${user.accessToken}`);

  /**
   * Three writers posting `each` messages apiece, concurrently: two through REST, one through
   * its own socket (waiting for each ack). `posted` counts what was committed so far.
   */
  async function startWriters(channel: ChannelBody, each: number) {
    let posted = 0;
    let finished = false;
    const restWriter = async (writer: RegisteredUser) => {
      for (let i = 0; i < each; i++) {
        await sendMessage(server.app, writer, channel.id, `${writer.username} ${i}`);
        posted += 1;
        await sleep(1);
      }
    };
    const socket = await WsClient.ready(server, (writers[2] as RegisteredUser).accessToken);
    const socketWriter = async () => {
      for (let i = 0; i < each; i++) {
        const clientMsgId = `socket-${channel.id}-${i}`;
        socket.send({ type: 'message', channel: channel.id, content: `socket ${i}`, clientMsgId });
        await socket.waitFor(ofType('ack', { clientMsgId }));
        posted += 1;
        await sleep(1);
      }
    };
    const done = Promise.all([
      restWriter(writers[0] as RegisteredUser),
      restWriter(writers[1] as RegisteredUser),
      socketWriter(),
    ]).then(() => {
      finished = true;
    });
    return {
      done,
      posted: () => posted,
      finished: () => finished,
      until: async (count: number) => {
        while (posted < count) await sleep(2);
      },
    };
  }

  it('resumes after a disconnect while three writers keep posting: every later message once, in seq order', async () => {
    const channel = await newChannel();
    const total = 3 * 40;
    const first = await WsClient.ready(server, reader.accessToken);
    const writing = await startWriters(channel, 40);

    await first.waitForCount(inChannel(channel), 10);
    await first.close();
    const before = first.messages(channel.id).map((m) => m.seq);
    const k = before.at(-1) ?? 0;
    expect(before).toEqual(range(1, k));

    // others post while the reader is away; it comes back and resumes at once
    await writing.until(k + 15);
    const second = await connectRaw(reader);
    second.send({ type: 'resume', cursors: { [channel.id]: k } });
    expect(writing.finished()).toBe(false);
    await writing.done;

    await second.waitForCount(inChannel(channel), total - k);
    await second.roundTrip();
    expect(second.frames[0]?.type).toBe('ready');
    expectResumed(
      second.messages(channel.id).map((m) => m.seq),
      k + 1,
      total,
    );
  });

  it('does not send again what arrived live between ready and resume', async () => {
    const channel = await newChannel();
    const [w0] = writers as [RegisteredUser];
    for (let i = 0; i < 5; i++) await sendMessage(server.app, w0, channel.id, `seen ${i}`);
    // the reader had 1..5; 6..10 come while it is away
    for (let i = 0; i < 5; i++) await sendMessage(server.app, w0, channel.id, `missed ${i}`);
    const client = await WsClient.ready(server, reader.accessToken);
    // 11..13 arrive live before the client gets round to resuming
    for (let i = 0; i < 3; i++) await sendMessage(server.app, w0, channel.id, `live ${i}`);
    await client.waitForCount(inChannel(channel), 3);
    client.send({ type: 'resume', cursors: { [channel.id]: 5 } });
    await client.waitForCount(inChannel(channel), 8);
    await sendMessage(server.app, w0, channel.id, 'after');
    await client.waitForCount(inChannel(channel), 9);
    await client.roundTrip();
    expect(client.messages(channel.id).map((m) => m.seq)).toEqual([11, 12, 13, 6, 7, 8, 9, 10, 14]);
  });

  it('sends nothing for a cursor that is already current, and nothing of a channel the user cannot see (NOT_FOUND)', async () => {
    const channel = await newChannel();
    const stranger = await createChannel(server.app, writers[0] as RegisteredUser, {
      isPrivate: true,
    });
    await sendMessage(server.app, writers[0] as RegisteredUser, stranger.id, 'not for the reader');
    await sendMessage(server.app, writers[0] as RegisteredUser, channel.id, 'one');
    const client = await WsClient.ready(server, reader.accessToken);
    client.send({ type: 'resume', cursors: { [channel.id]: 1, [stranger.id]: 0 } });
    await client.roundTrip();
    expect(client.messages()).toEqual([]);
    // the private channel is no business of the reader's: said so, as for any other frame
    expect(client.received(ofType('error')).map((frame) => frame.code)).toEqual(['NOT_FOUND']);
  });

  it('serves a cursor 300 messages behind completely, paged from history, while a writer keeps posting', async () => {
    const channel = await newChannel();
    const [w0, w1] = writers as [RegisteredUser, RegisteredUser];
    const actor = { userId: w0.id, username: w0.username };
    for (let i = 1; i <= 300; i++) {
      await messagesService.sendMessage(server.runtime.deps, actor, {
        channelId: channel.id,
        content: `backlog ${i}`,
      });
    }
    const client = await connectRaw(reader);
    client.send({ type: 'resume', cursors: { [channel.id]: 0 } });
    const live = (async () => {
      for (let i = 0; i < 30; i++) {
        await sendMessage(server.app, w1, channel.id, `live ${i}`);
        await sleep(1);
      }
    })();
    await live;
    await client.waitForCount(inChannel(channel), 330);
    await client.roundTrip();
    expectResumed(
      client.messages(channel.id).map((m) => m.seq),
      1,
      330,
    );
  });

  it('resumes several channels at once, each in its own seq order', async () => {
    const [a, b] = await Promise.all([newChannel(), newChannel()]);
    const [w0] = writers as [RegisteredUser];
    for (let i = 0; i < 4; i++) {
      await sendMessage(server.app, w0, a.id, `a ${i}`);
      await sendMessage(server.app, w0, b.id, `b ${i}`);
    }
    const client = await connectRaw(reader);
    client.send({ type: 'resume', cursors: { [a.id]: 1, [b.id]: 3 } });
    await client.waitForCount(ofType('message'), 4);
    await client.roundTrip();
    expect(client.messages(a.id).map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(client.messages(b.id).map((m) => m.seq)).toEqual([4]);
  });

  it('serves backlogs longer than two pages in several channels at once while writers post: each seq once, in order', async () => {
    const [long, mid, short] = await Promise.all([newChannel(), newChannel(), newChannel()]);
    const [w0, w1] = writers as [RegisteredUser, RegisteredUser];
    const actor = { userId: w0.id, username: w0.username };
    const seed = async (channel: ChannelBody, count: number) => {
      // 50 at a time: they share group commits, seqs still 1..count
      for (let i = 0; i < count; i += 50)
        await Promise.all(
          range(i + 1, Math.min(count, i + 50)).map((n) =>
            messagesService.sendMessage(server.runtime.deps, actor, {
              channelId: channel.id,
              content: `backlog ${n}`,
            }),
          ),
        );
    };
    // a page exactly full, one more than two pages, and one short page
    await Promise.all([
      seed(long, 2 * backlogPageSize + 1),
      seed(mid, backlogPageSize),
      seed(short, 3),
    ]);
    const client = await connectRaw(reader);
    client.send({ type: 'resume', cursors: { [long.id]: 0, [mid.id]: 0, [short.id]: 1 } });
    const live = Promise.all(
      [long, mid, short].map(async (channel) => {
        for (let i = 0; i < 5; i++) await sendMessage(server.app, w1, channel.id, `live ${i}`);
      }),
    );
    await live;
    await client.waitForCount(inChannel(long), 2 * backlogPageSize + 6);
    await client.waitForCount(inChannel(mid), backlogPageSize + 5);
    await client.waitForCount(inChannel(short), 7);
    await client.roundTrip();
    expectResumed(
      client.messages(long.id).map((m) => m.seq),
      1,
      2 * backlogPageSize + 6,
    );
    expectResumed(
      client.messages(mid.id).map((m) => m.seq),
      1,
      backlogPageSize + 5,
    );
    expectResumed(
      client.messages(short.id).map((m) => m.seq),
      2,
      8,
    );
  });

  it('gives a resumed message its reactions and files exactly as the message itself reads, and a deleted one neither', async () => {
    const channel = await newChannel();
    const [w0, w1] = writers as [RegisteredUser, RegisteredUser];
    const deps = server.runtime.deps;
    const asActor = (user: RegisteredUser) => ({ userId: user.id, username: user.username });
    const uploaded = async (name: string) => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/files',
        headers: { authorization: `Bearer ${w0.accessToken}`, ...multipartHeaders },
        payload: multipartBody(Buffer.from(`the words of ${name}`), name),
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ file: { id: string } }>().file.id;
    };
    const files = [await uploaded('first.txt'), await uploaded('second.txt')];
    const send = (content: string, attachmentIds?: string[]) =>
      messagesService
        .sendMessage(deps, asActor(w0), { channelId: channel.id, content, attachmentIds })
        .then((sent) => sent.message.id);
    const withFiles = await send('two files', files);
    const reacted = await send('reacted to');
    const deleted = await send('gone', [await uploaded('third.txt')]);
    const react = (user: RegisteredUser, messageId: string, emoji: string) =>
      reactionsService.react(deps, asActor(user), { messageId, emoji, op: 'add' });
    await react(w1, reacted, '🎉');
    await react(reader, reacted, '👍');
    await react(w0, reacted, '🎉');
    await react(w1, deleted, '👍');
    await messagesService.deleteMessage(deps, asActor(w0), deleted);
    await messagesService.editMessage(deps, asActor(w0), {
      messageId: withFiles,
      content: 'edited',
    });
    const reply = await messagesService.sendMessage(deps, asActor(w1), {
      channelId: channel.id,
      content: 'a reply',
      parentId: reacted,
    });

    const client = await connectRaw(reader);
    client.send({ type: 'resume', cursors: { [channel.id]: 0 } });
    await client.waitForCount(inChannel(channel), 4);
    const resumed = client.messages(channel.id);
    const readerActor = asActor(reader);
    for (const id of [withFiles, reacted, deleted, reply.message.id]) {
      const frame = resumed.find((m) => m.id === id);
      // the message as the single-message read (its own statements) gives it
      const { message } = await messagesService.visibleMessage(deps, readerActor, id);
      expect(frame).toMatchObject(message);
      expect(Object.keys(message).sort()).toEqual([...messageKeys].sort());
    }
    const [first, second, third] = resumed as unknown as MessageBody[];
    expect(first?.attachments.map((file) => file.name)).toEqual(['first.txt', 'second.txt']);
    expect(first?.editedAt).not.toBeNull();
    expect(second).toMatchObject({ replyCount: 1, replyUserIds: [w1.id] });
    expect(second?.reactions).toEqual([
      { emoji: '🎉', count: 2, userIds: [w1.id, w0.id] },
      { emoji: '👍', count: 1, userIds: [reader.id] },
    ]);
    expect(third).toMatchObject({ deleted: true, content: '', reactions: [], attachments: [] });
  });
});
