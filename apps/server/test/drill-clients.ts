// The clients of the fault drills, on real server processes: users made over REST, writers that
// post over /ws with a clientMsgId and retry what was not acked, readers that resume after a
// reconnect, and the checks every drill ends with (nothing acked lost or doubled, no seq gap,
// every reader holding every message exactly once).
import { testJwtSecret, uniqueName } from '@chat/api/testing';
import postgres from 'postgres';
import { expect } from 'vitest';
import { request, startServer, type StartedServer } from './server-process.js';
import { ofType, WsClient, type Frame } from './ws-client.js';

/** How long `promise` took to settle, and how. */
export async function timed<T>(
  promise: Promise<T>,
): Promise<{ ms: number; value?: T; error?: unknown }> {
  const start = performance.now();
  try {
    const value = await promise;
    return { ms: performance.now() - start, value };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client's pace: one frame every 80 ms at most, 12.5 a second, under /ws's 15. */
export const paceMs = 80;

export interface Instance {
  server: StartedServer;
  url: string;
  wsUrl: string;
}

export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const server = await startServer({ env: { JWT_SECRET: testJwtSecret, ...env } });
  return { server, url: server.url, wsUrl: `${server.url.replace(/^http/, 'ws')}/ws` };
}

export interface DrillUser {
  id: string;
  token: string;
}

export async function registerOn(instance: Instance): Promise<DrillUser> {
  const username = uniqueName('drill');
  const { status, body } = await request<{ user: { id: string }; accessToken: string }>(
    instance.url,
    'POST',
    '/api/auth/register',
    { body: { username, email: `${username}@example.test`, password: 'correct horse battery' } },
  );
  if (status !== 201)
    throw new Error(
      `register: HTTP ${status} ${JSON.stringify(body)}\n${instance.server.process.output}`,
    );
  return { id: body.user.id, token: body.accessToken };
}

/** A public channel of `owner` that every one of `members` joined. */
export async function channelWith(
  instance: Instance,
  owner: DrillUser,
  members: DrillUser[],
): Promise<string> {
  const created = await request<{ channel: { id: string } }>(
    instance.url,
    'POST',
    '/api/channels',
    {
      token: owner.token,
      body: { name: uniqueName('drill') },
    },
  );
  if (created.status !== 201) throw new Error(`create channel: HTTP ${created.status}`);
  const channelId = created.body.channel.id;
  for (const member of members) {
    const joined = await request(instance.url, 'POST', `/api/channels/${channelId}/members`, {
      token: member.token,
      body: {},
    });
    if (joined.status !== 200) throw new Error(`join: HTTP ${joined.status}`);
  }
  return channelId;
}

export async function connectReady(instance: Instance, user: DrillUser): Promise<WsClient> {
  const client = await WsClient.connect(
    `${instance.wsUrl}?token=${encodeURIComponent(user.token)}`,
  );
  await client.next(ofType('ready'));
  return client;
}

export interface Answer {
  clientMsgId: string;
  /** 'ack', the error frame's code, or 'closed' when the socket went first. */
  outcome: string;
  ms: number;
}

/** Posts numbered messages over /ws, one at a time, and remembers what was acked. */
export class Writer {
  readonly acked = new Map<string, { id: string; seq: number }>();
  readonly answers: Answer[] = [];
  private readonly sent: string[] = [];
  private count = 0;

  constructor(
    private client: WsClient,
    private readonly channelId: string,
    private readonly name: string,
  ) {}

  /** Carries on over a new connection (after its instance died). */
  reconnect(client: WsClient) {
    this.client = client;
  }

  /** Posts the next message; resolves with its answer. */
  postNext(): Promise<Answer> {
    const clientMsgId = `${this.name}-${this.count++}`;
    this.sent.push(clientMsgId);
    return this.post(clientMsgId);
  }

  /**
   * Posts again, with the same clientMsgId, every message not acked yet, at the client's pace,
   * until each is.
   */
  async retryUnacked(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const clientMsgId of this.sent) {
      while (!this.acked.has(clientMsgId)) {
        if (Date.now() > deadline) throw new Error(`${clientMsgId} was never acked`);
        await Promise.all([this.post(clientMsgId), sleep(paceMs)]);
      }
    }
  }

  /** Posts new messages for `ms`, one at a time, one every `everyMs` at most. */
  async writeFor(ms: number, everyMs = paceMs): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) await Promise.all([this.postNext(), sleep(everyMs)]);
  }

  get sentIds(): readonly string[] {
    return this.sent;
  }

  private async post(clientMsgId: string): Promise<Answer> {
    const client = this.client;
    const answered = (frame: Frame) =>
      (frame.type === 'ack' && frame.clientMsgId === clientMsgId) ||
      (frame.type === 'error' && frame.ref === clientMsgId);
    client.send({ type: 'message', channel: this.channelId, content: clientMsgId, clientMsgId });
    const { ms, value } = await timed(
      Promise.race([
        client.next(answered, 10_000),
        client.closed.then(() => ({ type: 'closed' }) as Frame),
      ]),
    );
    let outcome = 'no answer';
    if (value?.type === 'ack') {
      outcome = 'ack';
      this.acked.set(clientMsgId, { id: String(value.id), seq: Number(value.seq) });
    } else if (value?.type === 'error') outcome = String(value.code);
    else if (value?.type === 'closed') outcome = 'closed';
    const answer = { clientMsgId, outcome, ms };
    this.answers.push(answer);
    return answer;
  }
}

/** The seqs of a channel's message frames a reader got, over all of its connections in turn. */
export function seqsReceived(connections: WsClient[], channelId: string): number[] {
  return connections.flatMap((client) => client.messages(channelId).map((frame) => frame.seq));
}

/** The last seq a reader's connection holds with nothing missing before it (its resume cursor). */
export function contiguousCursor(seqs: number[]): number {
  const have = new Set(seqs);
  let cursor = 0;
  while (have.has(cursor + 1)) cursor++;
  return cursor;
}

/** Waits until the reader's connections together hold `count` messages of the channel. */
export async function waitForAll(
  connections: WsClient[],
  channelId: string,
  count: number,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (new Set(seqsReceived(connections, channelId)).size < count) {
    if (Date.now() > deadline) {
      const seqs = seqsReceived(connections, channelId);
      throw new Error(`reader has ${new Set(seqs).size} of ${count} messages: ${seqs.join(',')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Row {
  seq: number;
  id: string;
  client_msg_id: string | null;
}

/** The channel's messages as the database has them, in seq order. */
export async function storedMessages(databaseUrl: string, channelId: string): Promise<Row[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await sql<Row[]>`
      select seq::int as seq, id, client_msg_id from messages where channel_id = ${channelId} order by seq`;
  } finally {
    await sql.end();
  }
}

/**
 * The guarantees every drill checks: each acked message is stored exactly once with the id and
 * seq of its ack, no clientMsgId is stored twice, seqs run 1…n without a gap, and each reader
 * got every stored message exactly once.
 */
export function expectDelivered(rows: Row[], writers: Writer[], readers: number[][]): void {
  expect(
    rows.map((row) => row.seq),
    'seqs without gap',
  ).toEqual(rows.map((_, index) => index + 1));
  const byClientMsgId = new Map<string, Row[]>();
  for (const row of rows) {
    if (!row.client_msg_id) continue;
    byClientMsgId.set(row.client_msg_id, [...(byClientMsgId.get(row.client_msg_id) ?? []), row]);
  }
  for (const writer of writers) {
    for (const [clientMsgId, ack] of writer.acked) {
      const stored = byClientMsgId.get(clientMsgId) ?? [];
      expect(stored, `${clientMsgId} stored once`).toHaveLength(1);
      expect({ id: stored[0]?.id, seq: stored[0]?.seq }, `${clientMsgId} as acked`).toEqual(ack);
    }
  }
  for (const [clientMsgId, stored] of byClientMsgId)
    expect(stored, `${clientMsgId} stored once`).toHaveLength(1);
  // A resume's backlog may follow live messages that arrived before it (API.md): a reader keeps
  // its messages by seq, so what counts is that it got each one, exactly once.
  const all = rows.map((row) => row.seq);
  for (const seqs of readers)
    expect(
      [...seqs].sort((x, y) => x - y),
      'a reader holds every message once',
    ).toEqual(all);
}
