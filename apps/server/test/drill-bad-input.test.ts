// Fault drill: a generated corpus of bad input (fast-check) over every REST route and /ws. No
// request may get a 5xx and no frame an INTERNAL_SERVER_ERROR; the sender's socket stays open
// (bad frames are answered, not fatal) and another user's socket never notices anything.
import fc from 'fast-check';
import type { HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, registerUser, testDatabaseKinds, type RegisteredUser } from './helpers.js';
import {
  closeAllClients,
  ofType,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

const routes: (readonly [HTTPMethods, string])[] = [
  ['POST', '/api/auth/register'],
  ['POST', '/api/auth/login'],
  ['POST', '/api/auth/refresh'],
  ['POST', '/api/auth/logout'],
  ['GET', '/api/auth/me'],
  ['PATCH', '/api/auth/me'],
  ['GET', '/api/channels'],
  ['POST', '/api/channels'],
  ['GET', '/api/channels/:id'],
  ['POST', '/api/channels/:id/members'],
  ['DELETE', '/api/channels/:id/members/:userId'],
  ['GET', '/api/channels/:id/members'],
  ['POST', '/api/dms'],
  ['GET', '/api/channels/:id/messages'],
  ['POST', '/api/channels/:id/messages'],
  ['POST', '/api/channels/:id/read'],
  ['PATCH', '/api/messages/:id'],
  ['DELETE', '/api/messages/:id'],
  ['GET', '/api/users'],
  ['GET', '/api/users/:id'],
];

/** Strings of every awkward kind: lone surrogates, NUL, huge numbers, markup, path tricks. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    '\ud800',
    'a\udfffb',
    '__proto__',
    'constructor',
    '../../etc/passwd',
    '%00',
    '%ZZ',
    '9'.repeat(40),
    '-1',
    '1e308',
    'NaN',
    '<script>',
    "'; drop table messages; --",
    'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
  ),
);

const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(nasty, fc.oneof(nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null))),
);

/** A path segment as a client's URL carries it (UTF-8 has no lone surrogates: they become U+FFFD). */
const segment = (value: string) => encodeURIComponent(value.replace(/[\uD800-\uDFFF]/gu, '\uFFFD'));

describe.each(testDatabaseKinds())('drill: bad input on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let channelId: string;
  let messageId: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { wsLimits: { burst: 100_000, perSecond: 100_000 } });
    alice = await registerUser(server.app);
    bob = await registerUser(server.app);
    channelId = (await createChannel(server.app, alice, { memberIds: [bob.id] })).id;
    const sent = await server.app.inject({
      method: 'POST',
      url: `/api/channels/${channelId}/messages`,
      headers: alice.auth,
      payload: { content: 'the first' },
    });
    messageId = sent.json<{ message: { id: string } }>().message.id;
  });
  afterAll(async () => {
    await closeAllClients();
    await server.close();
  });

  it('answers every generated REST request with a 2xx, 3xx or 4xx', async () => {
    const ids = () => fc.oneof(fc.constantFrom(channelId, messageId, alice.id), fc.uuid(), nasty);
    const request = fc.record({
      route: fc.constantFrom(...routes),
      id: ids(),
      userId: ids(),
      query: fc.dictionary(fc.constantFrom('limit', 'cursor', 'before', 'after', 'q', 'x'), nasty, {
        maxKeys: 3,
      }),
      body: fc.oneof(
        jsonish.map((value) => JSON.stringify(value)),
        nasty,
      ),
      signedIn: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route, id, userId, query, body, signedIn }) => {
        const [method, template] = route;
        const path = template.replace(':id', segment(id)).replace(':userId', segment(userId));
        const search = new URLSearchParams(query).toString();
        const response = await server.app.inject({
          method,
          url: search ? `${path}?${search}` : path,
          headers: {
            'content-type': 'application/json',
            ...(signedIn ? alice.auth : {}),
          },
          ...(method === 'GET' ? {} : { payload: body }),
        });
        expect(response.statusCode, `${method} ${path} ${body} → ${response.body}`).toBeLessThan(
          500,
        );
      }),
      { numRuns: 250 },
    );
  });

  it('answers every generated /ws frame without a server error, and no other socket notices', async () => {
    // a channel of its own: the REST corpus may have removed bob from the first one
    const room = (await createChannel(server.app, alice, { memberIds: [bob.id] })).id;
    const sender = await WsClient.ready(server, alice.accessToken);
    const bystander = await WsClient.ready(server, bob.accessToken);
    const types = ['message', 'typing', 'join', 'leave', 'read', 'reaction', 'presence', 'resume'];
    const frame = fc.oneof(
      fc
        .record(
          {
            type: fc.constantFrom(...types),
            channel: fc.oneof(fc.constant(room), fc.constant(room.toUpperCase()), fc.uuid(), nasty),
            content: nasty,
            clientMsgId: nasty,
            seq: fc.oneof(fc.integer(), fc.double(), nasty),
            messageId: fc.oneof(fc.constant(messageId), fc.uuid(), nasty),
            emoji: nasty,
            op: fc.constantFrom('add', 'remove', 'x'),
            status: fc.constantFrom('online', 'away', 'dnd', 'offline', '__proto__'),
            cursors: fc.oneof(fc.dictionary(nasty, fc.oneof(fc.integer(), nasty)), jsonish),
          },
          { requiredKeys: ['type'] },
        )
        .map((value) => JSON.stringify(value)),
      jsonish.map((value) => JSON.stringify(value)),
      nasty,
    );
    const corpus = fc.sample(frame, { numRuns: 400 });
    for (const text of corpus) sender.send(text);
    await sender.roundTrip(20_000);

    const failures = sender.received(
      (received) => received.type === 'error' && received.code === 'INTERNAL_SERVER_ERROR',
    );
    expect(failures).toEqual([]);
    // both sockets are still open and still served (alice may have left the room meanwhile)
    await bystander.roundTrip();
    await server.app.inject({
      method: 'POST',
      url: `/api/channels/${room}/members`,
      headers: alice.auth,
      payload: {},
    });
    sender.send({ type: 'message', channel: room, content: 'still here', clientMsgId: 'after' });
    await sender.next(ofType('ack', { clientMsgId: 'after' }), 10_000);
    await bystander.waitFor(
      (received) => received.type === 'message' && received.content === 'still here',
    );
    expect(sender.socket.readyState).toBe(sender.socket.OPEN);
    expect(bystander.socket.readyState).toBe(bystander.socket.OPEN);
  });
});
