// The users and channels a scenario needs, made over REST like any client would: channels of
// fan-out (each with `usersPerChannel` members), one channel per acked sender, one hot channel
// all senders share, and a user in all of those who later resumes them.
import type { ChatServer } from './chat-server.js';

export interface User {
  id: string;
  token: string;
}

export interface World {
  users: User[];
  /** Fan-out channels and the indexes (into users) of their members. */
  fanout: { id: string; members: number[] }[];
  /** acked[i]: the channel of sender i (user i). */
  acked: string[];
  /** The channel every acked sender is a member of. */
  hot: string;
  /** Member of every acked channel and the hot one; never connected while others send. */
  resumer: User;
}

export interface WorldShape {
  fanoutChannels: number;
  usersPerFanoutChannel: number;
  ackedSenders: number;
}

interface Session {
  user: { id: string };
  accessToken: string;
}

/** Runs `job(i)` for i in 0..count-1, `parallel` at a time, results in order. */
export async function inParallel<T>(
  count: number,
  parallel: number,
  job: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await job(i);
      }
    }),
  );
  return results;
}

export async function createWorld(
  server: ChatServer,
  shape: WorldShape,
  runId: string,
): Promise<World> {
  const register = async (name: string): Promise<User> => {
    const session = await server.api<Session>('POST', '/api/auth/register', undefined, {
      username: name,
      email: `${name}@bench.test`,
      password: 'bench-password',
    });
    return { id: session.user.id, token: session.accessToken };
  };
  const userCount = Math.max(
    shape.fanoutChannels * shape.usersPerFanoutChannel,
    shape.ackedSenders,
  );
  // registration hashes a password: a handful at a time keeps the server's two cores busy
  const users = await inParallel(userCount, 6, (i) => register(`b${runId}u${i}`));
  const resumer = await register(`b${runId}resumer`);
  const create = (name: string, owner: User, members: User[]) =>
    server
      .api<{ channel: { id: string } }>('POST', '/api/channels', owner.token, {
        name,
        memberIds: members.map((member) => member.id),
      })
      .then((body) => body.channel.id);

  const fanout = await inParallel(shape.fanoutChannels, 4, async (f) => {
    const members = Array.from({ length: shape.usersPerFanoutChannel }, (_, k) => {
      return f * shape.usersPerFanoutChannel + k;
    });
    const [owner, ...others] = members.map((i) => users[i] as User);
    return { id: await create(`fanout-${f}`, owner as User, others), members };
  });
  const senders = users.slice(0, shape.ackedSenders);
  const acked = await inParallel(senders.length, 4, (i) =>
    create(`acked-${i}`, senders[i] as User, [resumer]),
  );
  const [first, ...rest] = senders;
  const hot = first ? await create('hot', first, [...rest, resumer]) : '';
  return { users, fanout, acked, hot, resumer };
}

/** Each channel's lastSeq, as the resumer sees them. */
export async function lastSeqs(server: ChatServer, user: User): Promise<Map<string, number>> {
  const seqs = new Map<string, number>();
  for (let cursor: string | null = null; ;) {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await server.api<{
      items: { id: string; lastSeq: number }[];
      nextCursor: string | null;
    }>('GET', `/api/channels?limit=100${query}`, user.token);
    for (const channel of page.items) seqs.set(channel.id, channel.lastSeq);
    cursor = page.nextCursor;
    if (!cursor) return seqs;
  }
}
