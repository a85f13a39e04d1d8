// The access matrix: every route, procedure and /ws frame that names a channel, a message or a
// file, tried by someone who may not see it. A private channel and a DM do not exist for an
// outsider (404 NOT_FOUND everywhere, nothing live); a public channel they have not joined is
// readable but FORBIDDEN to act in. The same rows run as a member, whose answers show the
// fixtures are real (a 404 for a typo'd id would prove nothing). Live events stop for a member
// the moment they leave or are removed, while their sockets stay open.
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type MessageBody,
  type RegisteredUser,
} from './helpers.js';
import {
  connectTrpcTo,
  recordEvents,
  recordMessages,
  recordTyping,
  stopAllSubscriptions,
  type TrpcConnection,
} from './trpc-clients.js';
import { multipartBody, multipartHeaders, tinyPng } from './uploads.js';
import {
  closeAllClients,
  eventually,
  ofType,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

type Place = 'private' | 'dm' | 'public';

/** What one place holds: a root with a file, a reaction and a pin, a reply in its thread. */
interface Fixture {
  place: Place;
  channelId: string;
  root: MessageBody;
  reply: MessageBody;
  fileId: string;
  fileUrl: string;
}

/** The status (and code) a row answers; `ok` is any 2xx. */
type Outcome = 'ok' | 403 | 404;

interface Row {
  name: string;
  rest?: (f: Fixture, as: RegisteredUser) => InjectOptions;
  trpc?: (c: TrpcConnection['client'], f: Fixture, as: RegisteredUser) => Promise<unknown>;
  ws?: (f: Fixture) => object;
  /**
   * What an outsider gets in a public channel they have not joined (in a private channel and
   * a DM: always 404); unset for a row that would make them a member.
   */
  outsider: { public?: Outcome };
  /** What a member gets; unset for a row a member must not run (it would change who is in). */
  member?: Outcome;
}

const emoji = encodeURIComponent('🦔');

const rows: Row[] = [
  {
    name: 'channel',
    rest: (f) => ({ method: 'GET', url: `/api/channels/${f.channelId}` }),
    trpc: (c, f) => c.channels.get.query({ channelId: f.channelId }),
    outsider: { public: 'ok' },
    member: 'ok',
  },
  {
    name: 'history',
    rest: (f) => ({ method: 'GET', url: `/api/channels/${f.channelId}/messages` }),
    trpc: (c, f) => c.messages.history.query({ channelId: f.channelId, limit: 50 }),
    outsider: { public: 'ok' },
    member: 'ok',
  },
  {
    name: 'thread',
    rest: (f) => ({ method: 'GET', url: `/api/messages/${f.root.id}/thread` }),
    trpc: (c, f) => c.messages.thread.query({ messageId: f.root.id, limit: 50 }),
    outsider: { public: 'ok' },
    member: 'ok',
  },
  {
    name: 'send',
    rest: (f) => ({
      method: 'POST',
      url: `/api/channels/${f.channelId}/messages`,
      payload: { content: 'knock knock' },
    }),
    trpc: (c, f) => c.messages.send.mutate({ channelId: f.channelId, content: 'knock knock' }),
    ws: (f) => ({ type: 'message', channel: f.channelId, content: 'knock', clientMsgId: 'k1' }),
    outsider: { public: 403 },
    member: 'ok',
  },
  {
    name: 'reply in the thread',
    rest: (f) => ({
      method: 'POST',
      url: `/api/channels/${f.channelId}/messages`,
      payload: { content: 'me too', parentId: f.root.id },
    }),
    trpc: (c, f) =>
      c.messages.send.mutate({ channelId: f.channelId, content: 'me too', parentId: f.root.id }),
    ws: (f) => ({
      type: 'message',
      channel: f.channelId,
      content: 'me too',
      clientMsgId: 'k2',
      parentId: f.root.id,
    }),
    outsider: { public: 403 },
    member: 'ok',
  },
  {
    name: 'pins',
    rest: (f) => ({ method: 'GET', url: `/api/channels/${f.channelId}/pins` }),
    trpc: (c, f) => c.pins.list.query({ channelId: f.channelId }),
    outsider: { public: 'ok' },
    member: 'ok',
  },
  ...(['add', 'remove'] as const).flatMap((op): Row[] => [
    {
      name: `reaction ${op}`,
      rest: (f) => ({
        method: op === 'add' ? 'PUT' : 'DELETE',
        url: `/api/messages/${f.root.id}/reactions/${emoji}`,
      }),
      trpc: (c, f) => c.reactions.set.mutate({ messageId: f.root.id, emoji: '🦔', op }),
      ws: (f) => ({ type: 'reaction', messageId: f.root.id, emoji: '🦔', op }),
      outsider: { public: 403 },
      member: 'ok',
    },
    {
      name: `pin ${op}`,
      rest: (f) => ({
        method: op === 'add' ? 'PUT' : 'DELETE',
        url: `/api/messages/${f.reply.id}/pin`,
      }),
      trpc: (c, f) => c.pins.set.mutate({ messageId: f.reply.id, op }),
      outsider: { public: 403 },
      member: 'ok',
    },
  ]),
  {
    name: 'edit',
    rest: (f) => ({
      method: 'PATCH',
      url: `/api/messages/${f.root.id}`,
      payload: { content: 'mine now' },
    }),
    trpc: (c, f) => c.messages.edit.mutate({ messageId: f.root.id, content: 'mine now' }),
    outsider: { public: 403 },
    member: 403, // not the author
  },
  {
    name: 'delete',
    rest: (f) => ({ method: 'DELETE', url: `/api/messages/${f.root.id}` }),
    trpc: (c, f) => c.messages.delete.mutate({ messageId: f.root.id }),
    outsider: { public: 403 },
    member: 403, // neither the author nor the channel's creator
  },
  {
    name: 'mark read',
    rest: (f) => ({
      method: 'POST',
      url: `/api/channels/${f.channelId}/read`,
      payload: { seq: 1 },
    }),
    trpc: (c, f) => c.messages.markRead.mutate({ channelId: f.channelId, seq: 1 }),
    ws: (f) => ({ type: 'read', channel: f.channelId, seq: 1 }),
    outsider: { public: 403 },
    member: 'ok',
  },
  {
    name: 'members',
    rest: (f) => ({ method: 'GET', url: `/api/channels/${f.channelId}/members` }),
    trpc: (c, f) => c.channels.members.query({ channelId: f.channelId, limit: 50 }),
    outsider: { public: 'ok' },
    member: 'ok',
  },
  {
    name: 'topic',
    rest: (f) => ({
      method: 'PATCH',
      url: `/api/channels/${f.channelId}`,
      payload: { topic: 'taken over' },
    }),
    trpc: (c, f) => c.channels.update.mutate({ channelId: f.channelId, topic: 'taken over' }),
    outsider: { public: 403 },
    member: 'ok',
  },
  {
    name: 'typing',
    trpc: (c, f) => c.realtime.startTyping.mutate({ channelId: f.channelId }),
    ws: (f) => ({ type: 'typing', channel: f.channelId }),
    outsider: { public: 403 },
    member: 'ok',
  },
  {
    name: 'resume',
    ws: (f) => ({ type: 'resume', cursors: { [f.channelId]: 0 } }),
    outsider: { public: 403 },
    member: 'ok',
  },
  {
    name: 'webhooks',
    rest: (f) => ({ method: 'GET', url: `/api/channels/${f.channelId}/webhooks` }),
    trpc: (c, f) => c.webhooks.list.query({ channelId: f.channelId }),
    outsider: { public: 403 },
    member: 'ok',
  },
  {
    name: 'search in the channel',
    rest: (f) => ({ method: 'GET', url: `/api/search?q=hedgehog&channelId=${f.channelId}` }),
    trpc: (c, f) => c.search.messages.query({ q: 'hedgehog', channelId: f.channelId, limit: 20 }),
    outsider: { public: 'ok' },
    member: 'ok',
  },
  {
    name: 'file by id',
    rest: (f) => ({ method: 'GET', url: `/api/files/${f.fileId}` }),
    outsider: { public: 404 }, // a file is readable where it was posted, by members only
    member: 'ok',
  },
  {
    name: "another file's signature on this file",
    rest: (f, as) => ({ method: 'GET', url: swapFileId(ownUploads.get(as.id) ?? '', f.fileId) }),
    outsider: { public: 404 },
    member: 'ok', // the signature is worthless, but a member may read the file anyway
  },
  {
    name: 'join',
    rest: (f) => ({ method: 'POST', url: `/api/channels/${f.channelId}/members`, payload: {} }),
    trpc: (c, f) => c.channels.join.mutate({ channelId: f.channelId }),
    ws: (f) => ({ type: 'join', channel: f.channelId }),
    // anyone may join a public channel (that is tested elsewhere): here it would spoil the rows
    outsider: {},
    member: 'ok', // idempotent
  },
];

/** Each user's own upload's signed URL: its signature, presented with another file's id. */
const ownUploads = new Map<string, string>();

const swapFileId = (url: string, fileId: string) =>
  url.replace(/\/api\/files\/[^?]+/, `/api/files/${fileId}`);

const statusOf = (outcome: Outcome) => (outcome === 'ok' ? 200 : outcome);
const codeOf = (outcome: Outcome) =>
  outcome === 403 ? 'FORBIDDEN' : outcome === 404 ? 'NOT_FOUND' : undefined;

describe.each(testDatabaseKinds())('the access matrix on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser; // creates every place
  let bob: RegisteredUser; // a member of each
  let carol: RegisteredUser; // a member of none
  let dave: RegisteredUser; // a member who leaves, or is removed
  const fixtures = {} as Record<Place, Fixture>;
  const connections: TrpcConnection[] = [];

  const inject = (as: RegisteredUser, options: InjectOptions) =>
    server.app.inject({ ...options, headers: { ...as.auth, ...options.headers } });

  const upload = async (as: RegisteredUser) => {
    const response = await inject(as, {
      method: 'POST',
      url: '/api/files',
      headers: multipartHeaders,
      payload: multipartBody(tinyPng, 'hedgehog.png'),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ file: { id: string; url: string } }>().file;
  };

  const trpcAs = (as: RegisteredUser) => {
    const connection = connectTrpcTo(server.baseUrl, as.accessToken, 'websocket');
    connections.push(connection);
    return connection.client;
  };

  async function furnish(place: Place, channelId: string): Promise<Fixture> {
    const file = await upload(alice);
    const sent = await inject(alice, {
      method: 'POST',
      url: `/api/channels/${channelId}/messages`,
      payload: { content: 'the hedgehog plan', attachmentIds: [file.id] },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const root = sent.json<{ message: MessageBody }>().message;
    const replied = await inject(bob, {
      method: 'POST',
      url: `/api/channels/${channelId}/messages`,
      payload: { content: 'hedgehog reply', parentId: root.id },
    });
    const reply = replied.json<{ message: MessageBody }>().message;
    await inject(bob, { method: 'PUT', url: `/api/messages/${root.id}/reactions/%F0%9F%91%8D` });
    await inject(alice, { method: 'PUT', url: `/api/messages/${root.id}/pin` });
    return { place, channelId, root, reply, fileId: file.id, fileUrl: file.url };
  }

  beforeAll(async () => {
    // every row is a frame: more than a person sends in a second
    server = await startTestServer(kind, { wsLimits: { burst: 100_000, perSecond: 100_000 } });
    [alice, bob, carol, dave] = await Promise.all([
      registerUser(server.app),
      registerUser(server.app),
      registerUser(server.app),
      registerUser(server.app),
    ]);
    const members = { memberIds: [bob.id, dave.id] };
    const secret = await createChannel(server.app, alice, { isPrivate: true, ...members });
    const open = await createChannel(server.app, alice, members);
    const dm = await inject(alice, {
      method: 'POST',
      url: '/api/dms',
      payload: { userIds: [bob.id, dave.id] },
    });
    const dmId = dm.json<{ channel: { id: string } }>().channel.id;
    fixtures.private = await furnish('private', secret.id);
    fixtures.public = await furnish('public', open.id);
    fixtures.dm = await furnish('dm', dmId);
    for (const user of [bob, carol]) ownUploads.set(user.id, (await upload(user)).url);
  }, 180_000); // an embedded database and three furnished places, on a loaded machine
  afterEach(async () => {
    stopAllSubscriptions();
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    await closeAllClients();
  });
  afterAll(() => server?.close());

  const places: Place[] = ['private', 'dm', 'public'];
  const cases = (who: 'outsider' | 'member') =>
    places.flatMap((place) =>
      rows.flatMap((row) => {
        const outcome =
          who === 'member' ? row.member : place === 'public' ? row.outsider.public : 404;
        return outcome === undefined ? [] : [{ place, row, outcome }];
      }),
    );

  describe.each(['outsider', 'member'] as const)('as %s', (who) => {
    const as = () => (who === 'member' ? bob : carol);

    it('REST answers each route as API.md says', async () => {
      for (const { place, row, outcome } of cases(who)) {
        if (!row.rest) continue;
        const response = await inject(as(), row.rest(fixtures[place], as()));
        const what = `${who}: ${row.name} in the ${place} channel → ${response.body.slice(0, 200)}`;
        if (outcome === 'ok') {
          expect(response.statusCode, what).toBeGreaterThanOrEqual(200);
          expect(response.statusCode, what).toBeLessThan(300);
        } else {
          expect(response.statusCode, what).toBe(statusOf(outcome));
          expect(response.json<{ error: { code: string } }>().error.code, what).toBe(
            codeOf(outcome),
          );
        }
      }
    });

    it('tRPC answers each procedure with the same codes', async () => {
      const client = trpcAs(as());
      for (const { place, row, outcome } of cases(who)) {
        if (!row.trpc) continue;
        const what = `${who}: ${row.name} in the ${place} channel`;
        const result = await row.trpc(client, fixtures[place], as()).then(
          () => 'ok' as const,
          (error: { message: string; data?: { code?: string } }) =>
            error.data?.code ?? error.message,
        );
        expect(result, what).toBe(outcome === 'ok' ? 'ok' : codeOf(outcome));
      }
    });

    it('/ws answers each frame with an error frame of the same code, or none', async () => {
      const socket = await WsClient.ready(server, as().accessToken);
      for (const { place, row, outcome } of cases(who)) {
        if (!row.ws) continue;
        const what = `${who}: ${row.name} frame in the ${place} channel`;
        const before = socket.frames.length;
        const frame = row.ws(fixtures[place]);
        const ref = 'clientMsgId' in frame ? randomUUID() : undefined;
        socket.send(ref ? { ...frame, clientMsgId: ref } : frame);
        // a message is answered in its turn among the acks: by its ack or its error
        if (ref)
          await socket
            .waitFor((f) => (f.type === 'ack' && f.clientMsgId === ref) || f.ref === ref)
            .catch((e) => {
              throw new Error(`${what}: ${JSON.stringify(socket.frames.slice(before))} ${e}`);
            });
        await socket.roundTrip().catch((e) => {
          throw new Error(`${what}: ${JSON.stringify(socket.frames.slice(before))} ${e}`);
        });
        const errors = socket.frames.slice(before).filter(ofType('error'));
        expect(
          errors.map((error) => `${String(error.code)} ${String(error.message)}`),
          what,
        ).toEqual(outcome === 'ok' ? [] : [expect.stringMatching(`^${codeOf(outcome)} `)]);
      }
    });

    it("tRPC's channel subscriptions end with the same code, or stay open", async () => {
      const client = trpcAs(as());
      for (const place of places) {
        const f = fixtures[place];
        const expected = place === 'public' || who === 'member' ? null : 'NOT_FOUND';
        const messages = recordMessages(client, f.channelId);
        const typing = recordTyping(client, f.channelId);
        if (expected) {
          await eventually(() => messages.error !== null && typing.error !== null, 'both refused');
          expect([messages.error?.data?.code, typing.error?.data?.code]).toEqual([
            expected,
            expected,
          ]);
          expect(messages.items).toEqual([]);
        } else {
          // the backlog arrives: the subscription is open
          await eventually(() => messages.items.length > 0, `${place} backlog`);
          expect(messages.error).toBeNull();
        }
        messages.stop();
        typing.stop();
      }
    });
  });

  /** What a place's members hear when alice does everything there is to do in it. */
  async function everythingHappensIn(f: Fixture) {
    const message = await sendMessage(server.app, alice, f.channelId, 'hedgehog news');
    await inject(alice, {
      method: 'POST',
      url: `/api/channels/${f.channelId}/messages`,
      payload: { content: 'hedgehog thread news', parentId: f.root.id },
    });
    await inject(alice, { method: 'PUT', url: `/api/messages/${message.id}/reactions/${emoji}` });
    await inject(alice, { method: 'PUT', url: `/api/messages/${message.id}/pin` });
    await inject(alice, {
      method: 'PATCH',
      url: `/api/messages/${message.id}`,
      payload: { content: 'edited' },
    });
    if (f.place !== 'dm')
      await inject(alice, {
        method: 'PATCH',
        url: `/api/channels/${f.channelId}`,
        payload: { topic: `topic ${message.id}` },
      });
    await trpcAs(alice).realtime.startTyping.mutate({ channelId: f.channelId });
    await inject(alice, { method: 'DELETE', url: `/api/messages/${message.id}` });
  }

  const liveTypes = [
    'message',
    'reaction',
    'pin',
    'message_updated',
    'message_deleted',
    'typing',
  ] as const;

  /** The events of a channel a /ws client or a tRPC events stream got since `from`. */
  const ofChannel = (items: { type: string }[], channelId: string, from = 0) =>
    items
      .slice(from)
      .filter((item) => {
        // a /ws frame names its channel in `channel` (channel_updated: the Channel object)
        const event = item as { channel?: string | { id: string }; channelId?: string };
        const named = typeof event.channel === 'object' ? event.channel.id : event.channel;
        return named === channelId || event.channelId === channelId;
      })
      .map((item) => item.type);

  /** A message in a channel everyone has joined: once it is in, everything before it is too. */
  async function sentinel(lobby: string, ...sockets: WsClient[]) {
    const marker = await sendMessage(server.app, alice, lobby, 'sentinel');
    for (const socket of sockets) await socket.waitFor(ofType('message', { id: marker.id }));
    return marker;
  }

  it('an outsider hears nothing of a private channel or a DM; a member hears it all', async () => {
    const lobby = await createChannel(server.app, alice, { memberIds: [bob.id, carol.id] });
    const [asBob, asCarol] = await Promise.all([
      WsClient.ready(server, bob.accessToken),
      WsClient.ready(server, carol.accessToken),
    ]);
    const bobEvents = recordEvents(trpcAs(bob));
    const carolEvents = recordEvents(trpcAs(carol));
    await asBob.roundTrip();
    for (const place of ['private', 'dm'] as const) {
      const f = fixtures[place];
      await everythingHappensIn(f);
      const marker = await sentinel(lobby.id, asBob, asCarol);
      // realtime.events carries no messages: a reaction in the lobby is its sentinel
      await inject(alice, { method: 'PUT', url: `/api/messages/${marker.id}/reactions/${emoji}` });
      await eventually(
        () =>
          ofChannel(carolEvents.items, lobby.id).includes('reaction') &&
          ofChannel(bobEvents.items, lobby.id).includes('reaction'),
        'the lobby reaction',
      );
      await inject(alice, {
        method: 'DELETE',
        url: `/api/messages/${marker.id}/reactions/${emoji}`,
      });
      expect(ofChannel(asCarol.frames, f.channelId), `${place} on carol's /ws`).toEqual([]);
      expect(ofChannel(carolEvents.items, f.channelId), `${place} on carol's tRPC`).toEqual([]);
      const bobHeard = new Set(ofChannel(asBob.frames, f.channelId));
      for (const type of liveTypes) expect(bobHeard, `${place}: bob's /ws ${type}`).toContain(type);
      if (place !== 'dm') expect(bobHeard).toContain('channel_updated');
      const bobTrpc = new Set(ofChannel(bobEvents.items, f.channelId));
      for (const type of ['reaction', 'pin', 'message_updated', 'message_deleted'])
        expect(bobTrpc, `${place}: bob's tRPC ${type}`).toContain(type);
      carolEvents.items.splice(0);
      bobEvents.items.splice(0);
    }
  });

  it('a member who is removed, or leaves, hears nothing more while their sockets stay open', async () => {
    const lobby = await createChannel(server.app, alice, { memberIds: [dave.id] });
    const asDave = await WsClient.ready(server, dave.accessToken);
    const daveEvents = recordEvents(trpcAs(dave));
    const daveMessages = {
      private: recordMessages(trpcAs(dave), fixtures.private.channelId),
      dm: recordMessages(trpcAs(dave), fixtures.dm.channelId),
    };
    await eventually(
      () => daveMessages.private.items.length > 0 && daveMessages.dm.items.length > 0,
      'backlogs',
    );
    for (const place of ['private', 'dm'] as const) {
      const f = fixtures[place];
      // the creator removes dave from the channel; from the DM dave leaves (nobody removes there)
      const gone = await inject(place === 'dm' ? dave : alice, {
        method: 'DELETE',
        url: `/api/channels/${f.channelId}/members/${place === 'dm' ? 'me' : dave.id}`,
      });
      expect(gone.statusCode, gone.body).toBe(204);
      await asDave.waitFor(ofType('leave', { channel: f.channelId, userId: dave.id }));
      await eventually(() => daveMessages[place].error !== null, `${place} subscription ended`);
      expect(daveMessages[place].error?.data?.code).toBe('NOT_FOUND');
      const fromWs = asDave.frames.length;
      const fromTrpc = daveEvents.items.length;
      const fromMessages = daveMessages[place].items.length;
      await everythingHappensIn(f);
      await sentinel(lobby.id, asDave);
      const marker = await sendMessage(server.app, alice, lobby.id, 'tRPC sentinel');
      await inject(alice, { method: 'PUT', url: `/api/messages/${marker.id}/reactions/${emoji}` });
      await eventually(
        () => ofChannel(daveEvents.items, lobby.id, fromTrpc).includes('reaction'),
        'the lobby reaction on tRPC',
      );
      expect(ofChannel(asDave.frames, f.channelId, fromWs), `${place} on /ws`).toEqual([]);
      expect(ofChannel(daveEvents.items, f.channelId, fromTrpc), `${place} on tRPC`).toEqual([]);
      expect(daveMessages[place].items.slice(fromMessages)).toEqual([]);
      expect(asDave.socket.readyState).toBe(asDave.socket.OPEN);
      // and every route of it is gone too
      for (const url of [
        `/api/channels/${f.channelId}/messages`,
        `/api/messages/${f.root.id}/thread`,
        `/api/files/${f.fileId}`,
        `/api/channels/${f.channelId}/pins`,
      ]) {
        const response = await inject(dave, { method: 'GET', url });
        expect(response.statusCode, `${place}: ${url}`).toBe(404);
      }
      const search = await inject(dave, { method: 'GET', url: '/api/search?q=hedgehog' });
      const hits = search.json<{ items: MessageBody[] }>().items;
      expect(hits.filter((hit) => hit.channelId === f.channelId)).toEqual([]);
    }
  });

  it("search finds a member's messages in every place and none of an outsider's unseen ones", async () => {
    const searchAs = async (as: RegisteredUser) => {
      const response = await inject(as, { method: 'GET', url: '/api/search?q=hedgehog&limit=100' });
      expect(response.statusCode).toBe(200);
      const fromRest = new Set(
        response.json<{ items: MessageBody[] }>().items.map((m) => m.channelId),
      );
      const fromTrpc = await trpcAs(as).search.messages.query({ q: 'hedgehog', limit: 100 });
      expect(new Set(fromTrpc.items.map((m) => m.channelId))).toEqual(fromRest);
      return fromRest;
    };
    const carolSees = await searchAs(carol);
    expect(carolSees.has(fixtures.private.channelId)).toBe(false);
    expect(carolSees.has(fixtures.dm.channelId)).toBe(false);
    expect(carolSees.has(fixtures.public.channelId)).toBe(true);
    const aliceSees = await searchAs(alice);
    for (const place of places) expect(aliceSees.has(fixtures[place].channelId)).toBe(true);
    // an `in:` operator naming the private channel finds nothing for an outsider
    const secretName = (
      await inject(alice, { method: 'GET', url: `/api/channels/${fixtures.private.channelId}` })
    ).json<{ channel: { name: string } }>().channel.name;
    const scoped = await inject(carol, {
      method: 'GET',
      url: `/api/search?q=${encodeURIComponent(`hedgehog in:${secretName}`)}`,
    });
    expect(scoped.json<{ items: unknown[] }>().items).toEqual([]);
  });
});
