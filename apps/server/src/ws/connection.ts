// One /ws connection: frames in, the user's live events out. Frames are taken in the order they
// came; a message frame does not wait for its commit before the next frame is taken (its ack
// does, and acks go out in the order of their frames), so many messages of one connection share
// a group commit and a typing or ping frame is never stuck behind one.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  channelsService,
  liveService,
  messagesService,
  presenceService,
  reactionsService,
  schemas,
  toValidationIssues,
  typingService,
  usersService,
  type Actor,
  type ClientEvent,
  type Message,
  type ServiceDeps,
  type SessionSink,
  type UserSession,
} from '@chat/api/server';
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { metrics } from '../metrics.js';
import { describe, toErrorResponse } from '../plugins/errors.js';
import {
  errorFrame,
  eventFrame,
  frame,
  mentionFrameFor,
  messageFrame,
  ownMessageFrame,
  type Frame,
} from './frames.js';
import { Outbox } from './outbox.js';
import { TokenBucket } from './rate-limiter.js';

export interface WsLimits {
  /** Frames a client may send at once, and per second after that. */
  burst: number;
  perSecond: number;
  /** Bytes queued for a socket past which it is cut off as a slow consumer. */
  maxBufferedBytes: number;
  /** The server pings every socket this often; one that missed the previous pong is dropped. */
  pingIntervalMs: number;
}

export const defaultWsLimits: WsLimits = {
  burst: 30,
  perSecond: 15,
  maxBufferedBytes: 1024 * 1024,
  pingIntervalMs: 30_000,
};

type ClientFrame = schemas.ClientFrame;

/** The circuit breakers, as a socket's frames consult them (the runtime's). */
export interface StoreGuard {
  /** Throws SERVICE_UNAVAILABLE while a store is known to be down. */
  assertAvailable(): void;
  /** Tells the breakers of a failed call. */
  reportFailure(error: unknown): void;
  /** Has the stores probed when `work` takes long, so a silent store fails it soon. */
  watch<T>(work: Promise<T>): Promise<T>;
}

export class WsConnection implements SessionSink {
  private readonly id = randomUUID();
  private readonly inbox: string[] = [];
  private readonly bucket: TokenBucket;
  private readonly outbox: Outbox;
  private session: UserSession | null = null;
  /** Frames produced before `ready` went out wait here: `ready` is always the first frame. */
  private beforeReady: Frame[] | null = [];
  private working = false;
  private closed = false;
  private presenceRecorded: Promise<void> | null = null;
  /** Whether the client answered the last ping (or sent anything) since it went out. */
  private answered = true;
  private finished: Promise<void> | null = null;
  /** The answers (ack or error) of the message frames in flight, chained in frame order. */
  private answers: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    /** The TCP connection under `socket`. */
    tcp: Socket,
    private readonly actor: Actor,
    private readonly deps: ServiceDeps,
    private readonly log: FastifyBaseLogger,
    private readonly limits: WsLimits,
    private readonly stores: StoreGuard,
  ) {
    this.bucket = new TokenBucket(limits.burst, limits.perSecond);
    this.outbox = new Outbox(socket, tcp, limits.maxBufferedBytes, (buffered) =>
      this.log.warn({ userId: actor.userId, buffered }, 'slow consumer cut off'),
    );
    // Attached before anything is awaited, so no early frame is lost.
    socket.on('message', (data, isBinary) => this.receive(textOf(data), isBinary));
    socket.on('close', () => void this.stop());
    socket.on('pong', () => (this.answered = true));
    // what the peer did wrong (ws closes the socket itself): one line, no stack trace
    socket.on('error', (error) => this.log.debug({ reason: describe(error) }, 'socket error'));
  }

  /** Subscribes to the user's channels, says `ready`, then handles the frames that waited. */
  async start(): Promise<void> {
    try {
      // the connection is the session's sink itself: no closures of its own per socket
      this.session = await liveService.openUserSession(this.deps, this.actor, this);
      if (this.closed) return this.session.close();
      this.presenceRecorded = presenceService.connectionOpened(this.deps, this.actor, this.id);
      await this.presenceRecorded;
      const [user, channels] = await Promise.all([
        usersService.me(this.deps, this.actor),
        channelsService.memberChannels(this.deps, this.actor),
      ]);
      const waiting = this.beforeReady ?? [];
      this.beforeReady = null;
      this.send(frame('ready', { user, channels }));
      for (const data of waiting) this.send(data);
      void this.work();
    } catch (error) {
      if (toErrorResponse(error).status === 503) {
        // a store went away between the upgrade and here: the client tries again later
        this.log.warn({ reason: describe(error) }, 'could not start a /ws session');
        this.socket.close(1013, 'a backing service is unavailable');
        return;
      }
      this.log.error({ err: error }, 'could not start a /ws session');
      this.socket.close(1011, 'could not start the session');
    }
  }

  /**
   * Called every ping interval: a peer that vanished without closing (a dead network, a
   * sleeping laptop) is dropped, so it does not stay online for ever.
   */
  heartbeat() {
    if (this.closed) return;
    if (!this.answered) {
      this.log.debug({ userId: this.actor.userId }, 'unresponsive /ws peer dropped');
      this.socket.terminate();
      return;
    }
    this.answered = false;
    this.socket.ping();
  }

  private receive(text: string, isBinary: boolean) {
    if (this.closed) return;
    this.answered = true;
    if (!this.bucket.take()) {
      // Named by its clientMsgId, a dropped message can be sent again; nothing else is done with it.
      this.send(
        errorFrame(
          'TOO_MANY_REQUESTS',
          'Too many frames; slow down',
          isBinary ? undefined : refOfText(text),
        ),
      );
      return;
    }
    if (isBinary) {
      this.send(errorFrame('BAD_REQUEST', 'Frames must be JSON text'));
      return;
    }
    this.inbox.push(text);
    void this.work();
  }

  private async work() {
    if (this.working || !this.session) return;
    this.working = true;
    try {
      for (
        let text = this.inbox.shift();
        text !== undefined && !this.closed;
        text = this.inbox.shift()
      ) {
        await this.handle(text);
      }
    } finally {
      this.working = false;
    }
  }

  private async handle(text: string) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.send(errorFrame('BAD_REQUEST', 'Frames must be JSON objects'));
    }
    const ref = refOf(raw);
    const parsed = schemas.clientFrame.safeParse(raw);
    if (!parsed.success) {
      const invalid = errorFrame(
        'BAD_REQUEST',
        'Invalid frame',
        ref,
        toValidationIssues(parsed.error.issues),
      );
      // a refused message is answered in its turn among the acks
      if ((raw as { type?: unknown } | null)?.type === 'message')
        return this.answerInTurn(Promise.resolve(invalid));
      return this.send(invalid);
    }
    if (parsed.data.type === 'message') return this.sendMessage(parsed.data, ref);
    try {
      // while a store is down a frame gets its 503 at once, as a new request would
      if (parsed.data.type !== 'ping') this.stores.assertAvailable();
      await this.stores.watch(this.dispatch(parsed.data));
    } catch (error) {
      this.send(this.failureFrame(error, parsed.data.type, ref));
    }
  }

  /** The error frame of a failed frame, logged as its status deserves. */
  private failureFrame(error: unknown, type: string, ref: string | undefined): string {
    const { status, body } = toErrorResponse(error);
    if (status === 503) {
      this.stores.reportFailure(error);
      this.log.warn({ reason: describe(error) }, '/ws frame: store unavailable');
    } else if (status >= 500) this.log.error({ err: error, frame: type }, '/ws frame failed');
    return errorFrame(body.error.code, body.error.message, ref, body.error.issues);
  }

  /** Writes `answer` once it is ready and every answer queued before it was written. */
  private answerInTurn(answer: Promise<string>, afterwards = () => {}) {
    const previous = this.answers;
    this.answers = (async () => {
      try {
        const [, data] = await Promise.all([previous, answer]);
        this.send(data);
      } finally {
        afterwards();
      }
    })().catch((error: unknown) => this.log.error({ err: error }, '/ws answer failed'));
  }

  private async dispatch(message: ClientFrame): Promise<void> {
    const { deps, actor } = this;
    switch (message.type) {
      case 'message':
        return; // sent by sendMessage, pipelined
      case 'typing':
        await typingService.announceTyping(deps, actor, message.channel);
        return;
      case 'join':
        await channelsService.joinChannel(deps, actor, message.channel);
        return;
      case 'leave':
        await channelsService.removeMember(deps, actor, {
          channelId: message.channel,
          userId: actor.userId,
        });
        return;
      case 'read':
        await messagesService.markRead(deps, actor, {
          channelId: message.channel,
          seq: message.seq,
        });
        return;
      case 'reaction':
        await reactionsService.react(deps, actor, {
          messageId: message.messageId,
          emoji: message.emoji,
          op: message.op,
        });
        return;
      case 'presence':
        await usersService.updateProfile(deps, actor, { status: message.status });
        return;
      case 'resume':
        await this.session?.resume(message.cursors);
        return;
      case 'ping':
        return this.send(frame('pong'));
    }
  }

  /**
   * Starts storing the message (in frame order, so one connection's messages keep their order),
   * and queues its ack; the channel's live messages (this one too) are held until the ack is out.
   */
  private async sendMessage(
    message: Extract<ClientFrame, { type: 'message' }>,
    ref: string | undefined,
  ) {
    const release = (await this.session?.hold(message.channel)) ?? (() => {});
    const committed = (async () => {
      // while a store is down a send gets its 503 at once, as a new request would
      this.stores.assertAvailable();
      return this.stores.watch(
        messagesService.sendMessage(this.deps, this.actor, {
          channelId: message.channel,
          content: message.content,
          clientMsgId: message.clientMsgId,
          attachmentIds: message.attachmentIds,
          parentId: message.parentId,
        }),
      );
    })();
    const answer = committed.then(
      ({ message: sent }) =>
        frame('ack', {
          clientMsgId: sent.clientMsgId,
          id: sent.id,
          seq: sent.seq,
          channel: sent.channelId,
        }),
      (error: unknown) => this.failureFrame(error, 'message', ref),
    );
    this.answerInTurn(answer, release);
  }

  /**
   * A live or backlog message of one of the user's channels: a live one's frames are made once
   * for every socket; a backlog's are this socket's alone (made, sent and forgotten).
   */
  message(message: Message, fromBacklog = false) {
    this.send(fromBacklog ? ownMessageFrame(message) : messageFrame(message));
    metrics.delivered(message, 'ws');
    if (message.userId === this.actor.userId) return;
    const mention = mentionFrameFor(message, this.actor.username, !fromBacklog);
    if (mention) this.send(mention);
  }

  event(event: ClientEvent) {
    this.send(eventFrame(event));
  }

  revoked() {
    this.socket.close(1008, 'access revoked');
  }

  /** Goes out with the other frames of this turn of the event loop, in the order sent. */
  private send(data: Frame) {
    if (this.beforeReady) {
      this.beforeReady.push(data);
      return;
    }
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.outbox.push(data);
  }

  /** During a backlog: a wait while what the socket has yet to send is over half its bound. */
  writable(): Promise<void> | undefined {
    return this.isFull() ? this.drained() : undefined;
  }

  private isFull() {
    return !this.closed && this.outbox.pendingBytes > this.limits.maxBufferedBytes / 2;
  }

  private async drained() {
    while (this.isFull()) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  /** Stops delivering and records the disconnect (on close, or when the server shuts down). */
  stop(): Promise<void> {
    if (this.closed) return this.finished ?? Promise.resolve();
    this.closed = true;
    this.session?.close();
    this.finished = this.recordDisconnect();
    return this.finished;
  }

  private async recordDisconnect() {
    if (!this.presenceRecorded) return; // never counted as connected
    try {
      // a disconnect must not overtake its own connect, or the user would stay online
      await this.presenceRecorded.catch(() => {});
      await presenceService.connectionClosed(this.deps, this.actor, this.id);
    } catch (error) {
      this.log.warn({ err: error }, 'could not record a disconnect');
    }
  }
}

/** A frame's payload as text (ws hands over one Buffer unless told otherwise). */
function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function refOfText(text: string): string | undefined {
  try {
    return refOf(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function refOf(raw: unknown): string | undefined {
  const ref = (raw as { clientMsgId?: unknown } | null)?.clientMsgId;
  return typeof ref === 'string' ? ref : undefined;
}
