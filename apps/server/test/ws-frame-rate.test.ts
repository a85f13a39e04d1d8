// The /ws frame limit counts frames as they arrive, not as they are handled: a client that sends
// at a polite pace is never refused, however long the server takes over its frames. Here the
// channel's row is locked from outside for 3.5 s, so a send waits and the 45 pings sent after it
// at 12.5 a second wait their turn; counted when handled, they would be taken all at once and
// those past the burst of 30 refused.
import { uniqueName } from '@chat/api/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, registerUser, type ChannelBody, type RegisteredUser } from './helpers.js';
import {
  closeAllClients,
  ofType,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

describe.skipIf(!process.env.DATABASE_URL)('/ws frame limit by arrival (DATABASE_URL)', () => {
  let server: TestServer;
  let alice: RegisteredUser;
  let channel: ChannelBody;

  beforeAll(async () => {
    server = await startTestServer('postgres'); // the default limit: 30 at once, 15 a second
    alice = await registerUser(server.app);
    channel = await createChannel(server.app, alice);
  });
  afterAll(async () => {
    await closeAllClients();
    await server.close();
  });

  it('refuses none of the frames of a client sending 12.5 a second while its sends wait', async () => {
    const sql = postgres(server.runtime.database.url ?? '', { max: 1, onnotice: () => {} });
    let release = () => {};
    const locked = new Promise<void>((resolve) => {
      void sql.begin(async (tx) => {
        await tx`select 1 from channels where id = ${channel.id} for update`;
        resolve();
        await new Promise<void>((done) => (release = done));
      });
    });
    await locked;
    const client = await WsClient.ready(server, alice.accessToken);
    // a send that waits for the lock, then pings behind it: they wait their turn, unhandled
    const clientMsgId = uniqueName('held');
    client.send({ type: 'message', channel: channel.id, content: 'held', clientMsgId });
    const unlockedAt = Date.now() + 3_500;
    const ackedAt = client.waitFor(ofType('ack'), 15_000).then(() => Date.now());
    const unlock = setTimeout(() => release(), 3_500);
    for (let sent = 0; sent < 45; sent++) {
      client.send({ type: 'ping' });
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    const answers = await client.waitForCount(
      (frame) => ['ack', 'pong', 'error'].includes(frame.type),
      46,
      15_000,
    );
    clearTimeout(unlock);
    release();
    await sql.end();
    expect(answers.filter((frame) => frame.type === 'error')).toEqual([]);
    const ack = answers.find((frame) => frame.type === 'ack');
    expect(ack?.clientMsgId).toBe(clientMsgId);
    // the send did wait for the lock, and the pings for it
    expect(await ackedAt).toBeGreaterThanOrEqual(unlockedAt - 50);
    expect(answers[0]?.type).toBe('ack');
  }, 30_000);
});
