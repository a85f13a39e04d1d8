// Typing indicators over real sockets: /ws `typing` frames to the others in the channel
// (throttled), and the tRPC `realtime.typing` list that forgets a typist after the expiry.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, registerUser, testDatabaseKinds, type RegisteredUser } from './helpers.js';
import {
  closeAllClients,
  connectTrpc,
  ofType,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

/** Short enough to wait for, long enough that the list is seen before it expires. */
const typingExpiryMs = 400;

type Typists = { userId: string; username: string }[];

describe.each(testDatabaseKinds())('typing on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind, { realtime: { typingExpiryMs } });
    [alice, bob, carol] = await Promise.all([
      registerUser(server.app),
      registerUser(server.app),
      registerUser(server.app),
    ]);
  });
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
    await closeAllClients();
  });
  afterAll(() => server.close());

  const connect = (user: RegisteredUser) => WsClient.ready(server, user.accessToken);
  const sharedChannel = async () => {
    const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
    return channel.id;
  };

  /** Subscribes to realtime.typing and collects every list it yields. */
  function watchTyping(user: RegisteredUser, channelId: string) {
    const { client, wsClient } = connectTrpc(server, user.accessToken);
    const lists: Typists[] = [];
    const waiters: { matches: (list: Typists) => boolean; resolve: () => void }[] = [];
    let failure: unknown = null;
    const subscription = client.realtime.typing.subscribe(
      { channelId },
      {
        onData: (list) => {
          lists.push(list);
          for (const waiter of waiters.filter((w) => w.matches(list))) waiter.resolve();
        },
        onError: (error) => (failure = error),
      },
    );
    closers.push(async () => {
      subscription.unsubscribe();
      await wsClient.close();
    });
    const until = (matches: (list: Typists) => boolean, timeoutMs = 5_000) =>
      new Promise<Typists>((resolve, reject) => {
        const found = lists.find(matches);
        if (found) return resolve(found);
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no such typing list; got ${JSON.stringify(lists)} ${String(failure)}`),
            ),
          timeoutMs,
        );
        waiters.push({
          matches,
          resolve: () => {
            clearTimeout(timer);
            resolve(lists.find(matches) as Typists);
          },
        });
      });
    return { lists, until };
  }

  it('tells the others in the channel, not the typist', async () => {
    const channelId = await sharedChannel();
    const [aliceWs, bobWs, carolWs] = await Promise.all([
      connect(alice),
      connect(bob),
      connect(carol),
    ]);
    aliceWs.send({ type: 'typing', channel: channelId });
    const typing = await bobWs.next(ofType('typing'));
    expect(typing).toMatchObject({
      channel: channelId,
      userId: alice.id,
      username: alice.username,
    });
    expect(Object.keys(typing).sort()).toEqual([
      'channel',
      'timestamp',
      'type',
      'userId',
      'username',
    ]);
    await aliceWs.roundTrip();
    expect(aliceWs.received(ofType('typing'))).toEqual([]);
    await carolWs.roundTrip();
    expect(carolWs.received(ofType('typing'))).toEqual([]);
  });

  it('drops repeats within the throttle window', async () => {
    const channelId = await sharedChannel();
    const [aliceWs, bobWs] = await Promise.all([connect(alice), connect(bob)]);
    for (let i = 0; i < 5; i++) aliceWs.send({ type: 'typing', channel: channelId });
    // all five handled (frames are handled in order) before the pong…
    await aliceWs.roundTrip();
    // …and whatever they published reached bob before his pong
    await bobWs.roundTrip();
    expect(bobWs.received(ofType('typing', { channel: channelId }))).toHaveLength(1);
    // the throttle is per channel: another channel is told at once
    const other = await sharedChannel();
    aliceWs.send({ type: 'typing', channel: other });
    await bobWs.next(ofType('typing', { channel: other }));
  });

  it('lists the typist in realtime.typing and drops them after the expiry', async () => {
    const channelId = await sharedChannel();
    const aliceWs = await connect(alice);
    const watch = watchTyping(bob, channelId);
    const started = Date.now();
    // the first list, empty, says the subscription is live
    expect(await watch.until(() => true)).toEqual([]);
    aliceWs.send({ type: 'typing', channel: channelId });
    const list = await watch.until((l) => l.some((t) => t.userId === alice.id));
    expect(list).toEqual([{ userId: alice.id, username: alice.username }]);
    const shownAt = Date.now();
    await watch.until((l) => l.length === 0 && watch.lists.indexOf(l) > watch.lists.indexOf(list));
    const goneAfter = Date.now() - shownAt;
    expect(goneAfter).toBeGreaterThanOrEqual(typingExpiryMs - 100);
    expect(goneAfter).toBeLessThan(typingExpiryMs + 2_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('drops a typist from realtime.typing as soon as their message arrives', async () => {
    const channelId = await sharedChannel();
    const aliceWs = await connect(alice);
    const watch = watchTyping(bob, channelId);
    await watch.until(() => true);
    aliceWs.send({ type: 'typing', channel: channelId });
    const list = await watch.until((l) => l.length === 1);
    aliceWs.send({
      type: 'message',
      channel: channelId,
      content: 'done typing',
      clientMsgId: 'typed',
    });
    await aliceWs.next(ofType('ack', { clientMsgId: 'typed' }));
    const cleared = await watch.until(
      (l) => l.length === 0 && watch.lists.indexOf(l) > watch.lists.indexOf(list),
      typingExpiryMs / 2,
    );
    expect(cleared).toEqual([]);
  });

  it('refuses realtime.typing for a private channel the user is not in', async () => {
    const channel = await createChannel(server.app, alice, { isPrivate: true });
    const { client, wsClient } = connectTrpc(server, carol.accessToken);
    closers.push(() => wsClient.close());
    const error = await new Promise<unknown>((resolve) => {
      client.realtime.typing.subscribe(
        { channelId: channel.id },
        { onData: () => resolve(null), onError: resolve },
      );
    });
    expect((error as { data?: { code?: string } }).data?.code).toBe('NOT_FOUND');
  });
});
