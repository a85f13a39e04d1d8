// Everything one connected user receives: the messages and events of every channel they are a
// member of, following their joins and leaves as they happen (on any transport, any instance).
import type { Actor, ServiceDeps } from '../services/deps.js';
import type { Message } from '../services/views.js';
import { memberChannelIds } from '../services/channels.js';
import { memberChannel } from '../services/access.js';
import { unauthorized, type AppError } from '../errors.js';
import { ChannelStream } from './channel-stream.js';
import { revokesActor, type ChatEvent } from './events.js';

/** What a client may see of an event: presence leaves out which channels the user is in. */
export type ClientEvent =
  | Exclude<ChatEvent, { type: 'message' | 'presence' | 'access_revoked' | 'user_updated' }>
  | {
      type: 'presence';
      userId: string;
      status: Extract<ChatEvent, { type: 'presence' }>['status'];
    }
  | { type: 'user_updated'; user: Extract<ChatEvent, { type: 'user_updated' }>['user'] };

export interface SessionSink {
  /** `fromBacklog` as in ChannelSink: this consumer's own copy, read for its resume. */
  message(message: Message, fromBacklog?: boolean): void;
  event(event: ClientEvent): void;
  writable?(): Promise<void> | void;
  /** The user's access ended (deactivated or logged out): the session has closed itself. */
  revoked?(error: AppError): void;
}

/** Channels of one resume read and sent at the same time. */
const resumeParallelism = 4;

/**
 * Runs `job` on every item, at most `limit` at a time; rejects with the first failure once
 * every job has settled (a failed channel does not stop the others).
 */
async function eachAtMost<T>(limit: number, items: T[], job: (item: T) => Promise<void>) {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await job(item).catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}

export class UserSession {
  private readonly streams = new Map<string, Promise<ChannelStream>>();
  /** The last presence and profile told of each user (made on the first; idle sockets are many). */
  private lastStatus: Map<string, string> | null = null;
  private lastProfile: Map<string, string> | null = null;
  private stopUserEvents: (() => void) | null = null;
  private stopPublicEvents: (() => void) | null = null;
  private closed = false;
  /** Channels left while the session was opening (it reads memberships once, at the start). */
  private leftWhileOpening: Set<string> | null = null;
  private opening = true;

  private constructor(
    private readonly deps: ServiceDeps,
    readonly actor: Actor,
    private readonly sink: SessionSink,
  ) {}

  /** Listens to the user's own events first, then to each of their channels, from now on. */
  static async open(deps: ServiceDeps, actor: Actor, sink: SessionSink): Promise<UserSession> {
    const session = new UserSession(deps, actor, sink);
    try {
      session.stopUserEvents = await deps.realtime.watchUser(actor.userId, (event) =>
        session.onUserEvent(event),
      );
      session.stopPublicEvents = await deps.realtime.watchPublic((event) => {
        if (!session.closed && event.type === 'channel_created') session.sink.event(event);
      });
      const channelIds = await memberChannelIds(deps, actor);
      // A leave heard while the memberships were being read may be newer than what they say.
      const left = session.leftWhileOpening;
      const current = left ? channelIds.filter((id) => !left.has(id)) : channelIds;
      session.opening = false;
      session.leftWhileOpening = null;
      await Promise.all(current.map((id) => session.openChannel(id)));
    } catch (error) {
      session.close();
      throw error;
    }
    return session;
  }

  /**
   * Sends every message after each cursor that this connection has not had yet. A channel the
   * user is not a member of fails the call (NOT_FOUND, or FORBIDDEN for a public one), after
   * the other channels were resumed.
   */
  async resume(cursors: Record<string, number>): Promise<void> {
    const unknown: string[] = [];
    const known: [Promise<ChannelStream>, number][] = [];
    for (const [channelId, after] of Object.entries(cursors)) {
      const stream = this.streams.get(channelId);
      if (stream) known.push([stream, after]);
      else unknown.push(channelId);
    }
    // A few channels at a time: while one waits for its next page, another is being sent.
    // Each channel's messages still go in seq order; channels interleave.
    await eachAtMost(resumeParallelism, known, async ([stream, after]) =>
      (await stream).resume(after),
    );
    // a member whose stream is not open yet (a join on its way) resumes from the join instead
    for (const channelId of unknown) await memberChannel(this.deps.db, this.actor, channelId);
  }

  /** Holds a channel's live messages back until released (an ack must precede them). */
  async hold(channelId: string): Promise<() => void> {
    const stream = await this.streams.get(channelId)?.catch(() => undefined);
    return stream ? stream.hold() : () => {};
  }

  close() {
    this.closed = true;
    this.stopUserEvents?.();
    this.stopPublicEvents?.();
    for (const stream of this.streams.values()) void stream.then((s) => s.close()).catch(() => {});
    this.streams.clear();
  }

  private openChannel(channelId: string, after?: number): Promise<ChannelStream> {
    const existing = this.streams.get(channelId);
    if (existing) return existing;
    const opening = ChannelStream.open(
      this.deps.realtime,
      this.deps.db,
      channelId,
      {
        message: (message, fromBacklog) => this.sink.message(message, fromBacklog),
        event: (event) => this.onChannelEvent(event),
        writable: this.sink.writable && (() => this.sink.writable?.()),
      },
      after,
    );
    this.streams.set(channelId, opening);
    opening.catch(() => {
      if (this.streams.get(channelId) === opening) this.streams.delete(channelId);
    });
    // (a failed opening is the caller's to handle, not this check's: no unhandled rejection)
    void opening.then(
      (stream) => {
        if (this.closed || this.streams.get(channelId) !== opening) stream.close();
      },
      () => {},
    );
    return opening;
  }

  private closeChannel(channelId: string) {
    const stream = this.streams.get(channelId);
    this.streams.delete(channelId);
    void stream?.then((s) => s.close()).catch(() => {});
  }

  private onUserEvent(event: ChatEvent) {
    if (this.closed) return;
    if (event.type === 'access_revoked') {
      if (!revokesActor(event, this.actor)) return;
      this.close();
      this.sink.revoked?.(unauthorized('Access revoked'));
      return;
    }
    if (event.type === 'join' && event.userId === this.actor.userId) {
      this.leftWhileOpening?.delete(event.channelId);
      // from the moment of joining: what was posted before is history, not news
      void this.openChannel(event.channelId, event.seq).catch(() => {});
      this.sink.event(event);
    } else if (event.type === 'leave' && event.userId === this.actor.userId) {
      this.closeChannel(event.channelId);
      if (this.opening) (this.leftWhileOpening ??= new Set()).add(event.channelId);
      this.sink.event(event);
    } else if (event.type === 'channel_muted' && event.userId === this.actor.userId) {
      this.sink.event(event);
    }
  }

  private onChannelEvent(event: ChatEvent) {
    if (this.closed) return;
    switch (event.type) {
      case 'join':
      case 'leave':
        // the user's own joins and leaves come through their own topic, once
        if (event.userId !== this.actor.userId) this.sink.event(event);
        return;
      case 'typing':
        if (event.userId !== this.actor.userId) this.sink.event(event);
        return;
      case 'presence': {
        // published to each channel the user is in: several copies arrive, one is news
        this.lastStatus ??= new Map();
        if (this.lastStatus.get(event.userId) === event.status) return;
        this.lastStatus.set(event.userId, event.status);
        this.sink.event(withoutChannels(event));
        return;
      }
      case 'user_updated': {
        // one copy per shared channel, as with presence
        const profile = JSON.stringify(event.user);
        this.lastProfile ??= new Map();
        if (this.lastProfile.get(event.user.id) === profile) return;
        this.lastProfile.set(event.user.id, profile);
        this.sink.event({ type: 'user_updated', user: event.user });
        return;
      }
      case 'message':
        return; // messages come in order through the channel stream
      case 'access_revoked':
      case 'channel_muted':
        return; // only ever on the user's own topic
      default:
        this.sink.event(event);
    }
  }
}

type PresenceEvent = Extract<ChatEvent, { type: 'presence' }>;
const clientPresence = new WeakMap<PresenceEvent, ClientEvent>();

/**
 * A presence event as clients see it (which channels the user is in is not theirs to know),
 * made once per event, so every session on the instance shares one object and one frame.
 */
function withoutChannels(event: PresenceEvent): ClientEvent {
  let shown = clientPresence.get(event);
  if (!shown) {
    shown = { type: 'presence', userId: event.userId, status: event.status };
    clientPresence.set(event, shown);
  }
  return shown;
}
