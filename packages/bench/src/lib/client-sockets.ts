// One client connection, as the bench's client processes hold them: our /ws protocol
// (docs/API.md) or Socket.IO (the anchor). Both carry the same payload: content
// `bench:<send time>`, so a receiver reads the latency straight off a delivered frame.
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { now } from './latency.js';

export type Protocol = 'chat' | 'socketio';

/** Where a socket connects: our server with a user's token, or Socket.IO into a room. */
export interface SocketTarget {
  url: string;
  token?: string;
  room?: string;
}

export interface ClientSocket {
  /** `bench:` send times found in delivered message frames, handed to `onDelivery`. */
  onDelivery: ((sentAt: number) => void) | undefined;
  /** Sends a message; `done` gets the error code, or undefined once acked. */
  send(channel: string, clientMsgId: string, done: (error?: string) => void): void;
  close(): void;
}

const marker = '"content":"bench:';

/** Every `bench:` send time in one text frame (one, unless a server packs several). */
function sendTimes(text: string, found: (sentAt: number) => void) {
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + 1)) {
    found(parseFloat(text.slice(at + marker.length, at + marker.length + 24)));
  }
}

export const payload = () => `bench:${now().toFixed(3)}`;

interface AnswerFrame {
  type: string;
  clientMsgId?: string;
  ref?: string;
  code?: string;
}

class ChatSocket implements ClientSocket {
  onDelivery: ((sentAt: number) => void) | undefined;
  private readonly waiting = new Map<string, (error?: string) => void>();

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if (this.onDelivery) sendTimes(text, this.onDelivery);
      // acks and errors only: a message's content is `bench:…`, never the string "ack"
      if (this.waiting.size > 0 && (text.includes('"ack"') || text.includes('"error"')))
        this.answered(JSON.parse(text) as AnswerFrame);
    });
  }

  private answered(frame: AnswerFrame) {
    if (frame.type !== 'ack' && frame.type !== 'error') return;
    const id = frame.type === 'ack' ? frame.clientMsgId : frame.ref;
    const done = id === undefined ? undefined : this.waiting.get(id);
    if (!done || id === undefined) return;
    this.waiting.delete(id);
    done(frame.type === 'ack' ? undefined : (frame.code ?? 'ERROR'));
  }

  send(channel: string, clientMsgId: string, done: (error?: string) => void) {
    this.waiting.set(clientMsgId, done);
    this.socket.send(JSON.stringify({ type: 'message', channel, content: payload(), clientMsgId }));
  }

  close() {
    for (const done of this.waiting.values()) done('CLOSED');
    this.waiting.clear();
    this.socket.terminate();
  }
}

class SocketIoSocket implements ClientSocket {
  onDelivery: ((sentAt: number) => void) | undefined;

  constructor(private readonly socket: Socket) {
    socket.on('message', (message: { content: string }) => {
      if (this.onDelivery) this.onDelivery(parseFloat(message.content.slice('bench:'.length)));
    });
  }

  send(channel: string, clientMsgId: string, done: (error?: string) => void) {
    this.socket.emit('send', { channel, content: payload(), clientMsgId }, () => done());
  }

  close() {
    this.socket.disconnect();
  }
}

/** Opens one socket and resolves once it is usable (our `ready` frame; Socket.IO's connect). */
export function openSocket(protocol: Protocol, target: SocketTarget): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    if (protocol === 'chat') {
      const socket = new WebSocket(`${target.url.replace(/^http/, 'ws')}/ws?token=${target.token}`);
      socket.once('message', () => resolve(new ChatSocket(socket))); // `ready` comes first
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`/ws upgrade refused: HTTP ${response.statusCode}`)),
      );
      socket.once('error', reject);
      // closed before `ready` (1013: a store was unavailable as the session started)
      socket.once('close', (code) => reject(new Error(`/ws closed before ready: ${code}`)));
      return;
    }
    const socket = io(target.url, {
      transports: ['websocket'],
      query: { room: target.room ?? '' },
      forceNew: true,
      reconnection: false,
    });
    socket.once('connect', () => resolve(new SocketIoSocket(socket)));
    socket.once('connect_error', reject);
  });
}
