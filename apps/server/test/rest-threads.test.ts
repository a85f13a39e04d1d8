// Threads over REST (app.inject) and the tRPC procedure: replies with parentId, the thread
// route, history's topLevel filter, malformed input, and who may see a thread.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createChannel,
  expectError,
  expectValidationError,
  messageKeys,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type MessageBody,
  type Payload,
  type RegisteredUser,
  type TestApp,
} from './helpers.js';

interface ThreadBody {
  root: MessageBody;
  items: MessageBody[];
  hasMore: boolean;
}

describe.each(testDatabaseKinds())('threads over REST and tRPC on %s', (kind) => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let outsider: RegisteredUser;
  beforeAll(async () => {
    t = await buildTestApp(kind);
    [alice, bob, outsider] = await Promise.all([
      registerUser(t.app),
      registerUser(t.app),
      registerUser(t.app),
    ]);
  });
  afterAll(() => t.close());

  const reply = (user: RegisteredUser, channelId: string, payload: Payload) =>
    t.app.inject({
      method: 'POST',
      url: `/api/channels/${channelId}/messages`,
      headers: user.auth,
      payload,
    });
  const getThread = (user: RegisteredUser, messageId: string, query = '') =>
    t.app.inject({
      method: 'GET',
      url: `/api/messages/${messageId}/thread${query}`,
      headers: user.auth,
    });
  const history = (user: RegisteredUser, channelId: string, query = '') =>
    t.app.inject({
      method: 'GET',
      url: `/api/channels/${channelId}/messages${query}`,
      headers: user.auth,
    });
  const trpcThread = (user: RegisteredUser, messageId: string) =>
    t.app.inject({
      method: 'GET',
      url: `/trpc/messages.thread?input=${encodeURIComponent(JSON.stringify({ messageId }))}`,
      headers: user.auth,
    });
  const postReply = async (user: RegisteredUser, channelId: string, parentId: string) => {
    const response = await reply(user, channelId, { content: 'a reply', parentId });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ message: MessageBody }>().message;
  };

  it('posts a reply with parentId and serves the thread with its root', async () => {
    const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
    const root = await sendMessage(t.app, alice, channel.id, 'root');
    const response = await reply(bob, channel.id, { content: 'first!', parentId: root.id });
    expect(response.statusCode).toBe(201);
    const { message } = response.json<{ message: MessageBody }>();
    expect(Object.keys(message).sort()).toEqual(messageKeys);
    expect(message).toMatchObject({ seq: 2, parentId: root.id, content: 'first!' });

    const thread = await getThread(alice, root.id);
    expect(thread.statusCode).toBe(200);
    const body = thread.json<ThreadBody>();
    expect(Object.keys(body).sort()).toEqual(['hasMore', 'items', 'root']);
    expect(Object.keys(body.root).sort()).toEqual(messageKeys);
    expect(body.root).toMatchObject({
      id: root.id,
      parentId: null,
      replyCount: 1,
      lastReplyAt: message.createdAt,
      replyUserIds: [bob.id],
    });
    expect(body).toMatchObject({ items: [message], hasMore: false });
  });

  it('pages a thread with limit and after', async () => {
    const channel = await createChannel(t.app, alice);
    const root = await sendMessage(t.app, alice, channel.id, 'root');
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await postReply(alice, channel.id, root.id));
    const first = (await getThread(alice, root.id, '?limit=2')).json<ThreadBody>();
    expect(first.items.map((m) => m.seq)).toEqual([2, 3]);
    expect(first.hasMore).toBe(true);
    const rest = (await getThread(alice, root.id, '?limit=2&after=3')).json<ThreadBody>();
    expect(rest.items.map((m) => m.id)).toEqual([replies[2]?.id]);
    expect(rest.hasMore).toBe(false);
  });

  it('leaves replies out of history with topLevel=true', async () => {
    const channel = await createChannel(t.app, alice);
    const root = await sendMessage(t.app, alice, channel.id, 'root');
    await postReply(alice, channel.id, root.id);
    await sendMessage(t.app, alice, channel.id, 'after');
    const seqs = async (query: string) =>
      (await history(alice, channel.id, query))
        .json<{ items: MessageBody[] }>()
        .items.map((m) => m.seq);
    expect(await seqs('')).toEqual([1, 2, 3]);
    expect(await seqs('?topLevel=false')).toEqual([1, 2, 3]);
    expect(await seqs('?topLevel=true')).toEqual([1, 3]);
    expect(await seqs('?topLevel=true&before=3')).toEqual([1]);
  });

  it('refuses malformed input with 400 and the field named', async () => {
    const channel = await createChannel(t.app, alice);
    const root = await sendMessage(t.app, alice, channel.id, 'root');
    expectValidationError(await getThread(alice, 'not-a-uuid'), 'id');
    for (const query of ['?limit=0', '?limit=101', '?limit=ten'])
      expectValidationError(await getThread(alice, root.id, query), 'limit');
    for (const query of ['?after=-1', '?after=', '?after=1.5'])
      expectValidationError(await getThread(alice, root.id, query), 'after');
    for (const query of ['?topLevel=yes', '?topLevel=1', '?topLevel='])
      expectValidationError(await history(alice, channel.id, query), 'topLevel');
    for (const parentId of ['nope', 42, null, ''])
      expectValidationError(await reply(alice, channel.id, { content: 'x', parentId }), 'parentId');
    // a parent that is no message, or one of another channel
    expectError(
      await reply(alice, channel.id, { content: 'x', parentId: randomUUID() }),
      404,
      'NOT_FOUND',
    );
    const other = await createChannel(t.app, alice);
    expectError(
      await reply(alice, other.id, { content: 'x', parentId: root.id }),
      400,
      'BAD_REQUEST',
    );
    expectError(await getThread(alice, randomUUID()), 404, 'NOT_FOUND');
    expectError(
      await t.app.inject({ method: 'GET', url: `/api/messages/${root.id}/thread` }),
      401,
      'UNAUTHORIZED',
    );
    // nothing of it was written
    const { items } = (await history(alice, channel.id)).json<{ items: MessageBody[] }>();
    expect(items.map((m) => m.seq)).toEqual([1]);
    expect((await getThread(alice, root.id)).json<ThreadBody>().root.replyCount).toBe(0);
  });

  describe('access', () => {
    it('hides the threads of a private channel and a DM from outsiders, on REST and tRPC', async () => {
      const secret = await createChannel(t.app, alice, { isPrivate: true, memberIds: [bob.id] });
      const dmResponse = await t.app.inject({
        method: 'POST',
        url: '/api/dms',
        headers: alice.auth,
        payload: { userIds: [bob.id] },
      });
      const dm = dmResponse.json<{ channel: { id: string } }>().channel;
      for (const channelId of [secret.id, dm.id]) {
        const root = await sendMessage(t.app, alice, channelId, 'just us');
        const answer = await postReply(bob, channelId, root.id);
        for (const id of [root.id, answer.id]) {
          expectError(await getThread(outsider, id), 404, 'NOT_FOUND');
          const procedure = await trpcThread(outsider, id);
          expect(procedure.statusCode).toBe(404);
          expect(procedure.json<{ error: { data: { code: string } } }>().error.data.code).toBe(
            'NOT_FOUND',
          );
          expectError(
            await reply(outsider, channelId, { content: 'me too', parentId: id }),
            404,
            'NOT_FOUND',
          );
        }
        // the members see it on both
        expect((await getThread(bob, root.id)).json<ThreadBody>().items).toHaveLength(1);
        const procedure = await trpcThread(alice, answer.id);
        expect(procedure.statusCode).toBe(200);
        expect(procedure.json<{ result: { data: ThreadBody } }>().result.data.root.replyCount).toBe(
          1,
        );
      }
    });

    it('shows the thread of a public channel to a non-member, who may not reply', async () => {
      const open = await createChannel(t.app, alice);
      const root = await sendMessage(t.app, alice, open.id, 'public');
      expect((await getThread(outsider, root.id)).statusCode).toBe(200);
      expectError(
        await reply(outsider, open.id, { content: 'hi', parentId: root.id }),
        403,
        'FORBIDDEN',
      );
    });
  });

  it('is in the OpenAPI document with its response schema', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>
      >;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>();
    const operation = doc.paths['/api/messages/{id}/thread']?.get;
    expect(JSON.stringify(operation?.responses['200'])).toContain(
      '#/components/schemas/MessageThread',
    );
    expect(operation?.parameters?.map((p) => p.name).sort()).toEqual(['after', 'id', 'limit']);
    const list = doc.paths['/api/channels/{id}/messages']?.get;
    expect(list?.parameters?.map((p) => p.name)).toContain('topLevel');
    expect(Object.keys(doc.components.schemas.MessageThread?.properties ?? {}).sort()).toEqual([
      'hasMore',
      'items',
      'root',
    ]);
    expect(JSON.stringify(doc.paths['/api/channels/{id}/messages']?.post)).toContain('parentId');
  });
});
