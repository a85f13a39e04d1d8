// A /ws test client over a real socket: it keeps every frame it receives, in order, and lets a
// test wait for the next one that matches. Also: serving a test app on a real port.
import type { AddressInfo } from 'node:net';
import type { AppRouter } from '@chat/api/server';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { buildTestApp, type TestApp } from './helpers.js';

/** A server → client frame of API.md: a JSON object with a `type` and a `timestamp`. */
export interface Frame {
  type: string;
  timestamp: number;
  [field: string]: unknown;
}

/** A `message` frame: the Message object plus `channel`. */
export interface MessageFrame extends Frame {
  type: 'message';
  channel: string;
  id: string;
  seq: number;
  userId: string;
  content: string;
  clientMsgId: string | null;
}

export type FramePredicate = (frame: Frame) => boolean;

interface Waiter {
  matches: FramePredicate;
  from: number;
  consume: boolean;
  resolve(index: number): void;
}

const openClients = new Set<WsClient>();

export class WsClient {
  /** Every frame received so far, in the order it arrived. */
  readonly frames: Frame[] = [];
  /** Frames that broke the protocol's envelope (not a JSON object with `type` and an integer `timestamp`). */
  readonly malformed: string[] = [];
  /** Resolves with the close code and reason once the socket is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private cursor = 0;
  private readonly waiters = new Set<Waiter>();

  private constructor(readonly socket: WebSocket) {
    openClients.add(this);
    socket.on('message', (data: Buffer) => this.receive(data.toString('utf8')));
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        openClients.delete(this);
        resolve({ code, reason: reason.toString() });
      });
    });
    socket.on('error', () => {}); // the close that follows says enough
  }

  /** Connects and waits for the socket to open (not for `ready`: tests see that as a frame). */
  static connect(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
    const socket = new WebSocket(url, { headers });
    const client = new WsClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => {
        socket.terminate();
        reject(new Error(`upgrade refused with HTTP ${response.statusCode}`));
      });
      socket.once('error', reject);
    });
  }

  /** Connects as a user and waits for `ready`. */
  static async ready(server: TestServer, token: string): Promise<WsClient> {
    const client = await WsClient.connect(`${server.wsUrl}?token=${encodeURIComponent(token)}`);
    await client.next(ofType('ready'));
    return client;
  }

  send(frame: object | string) {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /**
   * The first frame matching `matches` after the one the previous `next` returned (or already
   * received); waits up to `timeoutMs` for it.
   */
  async next(matches: FramePredicate, timeoutMs = 5_000): Promise<Frame> {
    const index = await this.find(matches, this.cursor, true, timeoutMs);
    return this.frames[index] as Frame;
  }

  /** Any frame ever received that matches, waiting for it if none has arrived yet. */
  async waitFor(matches: FramePredicate, timeoutMs = 5_000): Promise<Frame> {
    const index = await this.find(matches, 0, false, timeoutMs);
    return this.frames[index] as Frame;
  }

  /** Waits until `count` frames match in all. */
  async waitForCount(matches: FramePredicate, count: number, timeoutMs = 10_000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received(matches);
      if (found.length >= count) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out with ${found.length} of ${count} matching frames`);
      await this.find(matches, this.frames.length, false, left);
    }
  }

  /** Frames received so far that match. */
  received(matches: FramePredicate): Frame[] {
    return this.frames.filter(matches);
  }

  /** `message` frames received so far, of one channel or of all. */
  messages(channelId?: string): MessageFrame[] {
    return this.frames.filter(
      (frame): frame is MessageFrame =>
        frame.type === 'message' && (channelId === undefined || frame.channel === channelId),
    );
  }

  /**
   * A ping answered: every frame the server wrote to this socket before it handled the ping
   * has arrived. Use it before asserting that something was not received.
   */
  async roundTrip(timeoutMs = 5_000): Promise<void> {
    const from = this.frames.length;
    this.send({ type: 'ping' });
    await this.find(ofType('pong'), from, false, timeoutMs);
  }

  /** Stops reading from the TCP socket: the server's writes pile up (a slow consumer). */
  pauseReading() {
    tcpSocketOf(this.socket).pause();
  }

  resumeReading() {
    tcpSocketOf(this.socket).resume();
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    const timer = setTimeout(() => this.socket.terminate(), 1_000);
    await this.closed;
    clearTimeout(timer);
  }

  private receive(text: string) {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.malformed.push(text);
      return;
    }
    const { type, timestamp } = (frame ?? {}) as Partial<Frame>;
    if (typeof frame !== 'object' || typeof type !== 'string' || !Number.isInteger(timestamp)) {
      this.malformed.push(text);
      return;
    }
    const index = this.frames.push(frame as Frame) - 1;
    for (const waiter of this.waiters) {
      if (index >= waiter.from && waiter.matches(frame as Frame)) waiter.resolve(index);
    }
  }

  private find(
    matches: FramePredicate,
    from: number,
    consume: boolean,
    timeoutMs: number,
  ): Promise<number> {
    const found = this.frames.findIndex((frame, index) => index >= from && matches(frame));
    if (found >= 0) {
      if (consume) this.cursor = found + 1;
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        matches,
        from,
        consume,
        resolve: (index) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          if (consume) this.cursor = index + 1;
          resolve(index);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.frames.slice(from).map((frame) => frame.type);
        reject(
          new Error(
            `no matching frame within ${timeoutMs} ms; received since: ${seen.join(', ') || 'nothing'}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

function tcpSocketOf(socket: WebSocket): { pause(): void; resume(): void } {
  // ws keeps its net.Socket in a private field; a test that simulates a stalled reader needs it.
  const tcp = (socket as unknown as { _socket?: { pause(): void; resume(): void } })._socket;
  if (!tcp) throw new Error('the socket is not connected');
  return tcp;
}

export const ofType =
  (type: string, fields: Record<string, unknown> = {}): FramePredicate =>
  (frame) =>
    frame.type === type && Object.entries(fields).every(([key, value]) => frame[key] === value);

/** Closes every client still open and checks that each frame they got had the protocol's envelope. */
export async function closeAllClients() {
  const clients = [...openClients];
  await Promise.all(clients.map((client) => client.close()));
  for (const client of clients)
    expect(client.malformed, 'frames without type and integer timestamp').toEqual([]);
}

/**
 * Tries to connect and expects the upgrade to be refused: resolves with the HTTP status of the
 * failed handshake.
 */
export function refusedUpgradeStatus(
  url: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const socket = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => {
      socket.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('error', (error) => reject(error));
  });
}

export interface TestServer extends TestApp {
  /** http://127.0.0.1:port */
  baseUrl: string;
  /** ws://127.0.0.1:port/ws */
  wsUrl: string;
}

/** Builds the app on a fresh database and listens on a free local port. */
export async function startTestServer(
  ...args: Parameters<typeof buildTestApp>
): Promise<TestServer> {
  const t = await buildTestApp(...args);
  try {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await t.close();
    throw error;
  }
  const { port } = t.app.server.address() as AddressInfo;
  return { ...t, baseUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws` };
}

/** A tRPC client over wsLink (subscriptions and calls) on the server's /trpc socket. */
export function connectTrpc(
  server: TestServer,
  token: string,
  options: { retryDelayMs?: number } = {},
) {
  const wsClient = createWSClient({
    url: `${server.baseUrl.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
    retryDelayMs: () => options.retryDelayMs ?? 50,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
  return { client, wsClient };
}

/** The server's end of a client socket (matched by the client's local port). */
export function serverSideOf(server: TestServer, client: WebSocket): WebSocket {
  const port = (client as unknown as { _socket?: { localPort?: number } })._socket?.localPort;
  for (const socket of server.app.websocketServer.clients) {
    if ((socket as unknown as { _socket?: { remotePort?: number } })._socket?.remotePort === port)
      return socket;
  }
  throw new Error('no server socket for that client');
}

/** Polls until `check` returns true (for what no frame announces, such as a tRPC client's state). */
export async function eventually(
  check: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
