// A client process: holds many sockets to one or more servers, counts the deliveries they
// receive (with send→deliver latency), and drives senders open-loop (a fixed rate) or
// closed-loop (each sender waits for its ack). The coordinator starts a few of these.
import WebSocket from 'ws';
import {
  openSocket,
  type ClientSocket,
  type Protocol,
  type SocketTarget,
} from '../lib/client-sockets.js';
import { LatencyRecorder, now } from '../lib/latency.js';
import { serve } from '../lib/rpc.js';

const sockets: ClientSocket[] = [];

/**
 * As a client reconnects: a 503 or a close with 1013 (the server's store breaker, open a moment)
 * is tried again.
 */
async function openWithRetries(protocol: Protocol, target: SocketTarget): Promise<ClientSocket> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openSocket(protocol, target);
    } catch (error) {
      const retry = /HTTP 503|before ready: 1013/.test(String(error));
      if (attempt >= 10 || !retry) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}
const deliveries = new LatencyRecorder();
let delivered = 0;
let counting = false;

const countDelivery = (sentAt: number) => {
  if (!counting) return;
  delivered++;
  deliveries.record(now() - sentAt);
};

/** Which socket (by its index in `open`'s order) sends into which channel or room. */
export interface Sender {
  socket: number;
  channel: string;
}

export interface SendResult {
  sent: number;
  acked: number;
  /** Neither acked nor refused when the wait was over: slow, not wrong. */
  unanswered: number;
  /** Refusals (error frames) by code: these fail a scenario. */
  errors: Record<string, number>;
  /** Encoded LatencyRecorder of send→ack. */
  ack: string;
  seconds: number;
}

function sendTracker(prefix: string) {
  const ack = new LatencyRecorder();
  const errors: Record<string, number> = {};
  let sent = 0;
  let acked = 0;
  let answered = 0;
  let onAnswer: (() => void) | undefined;
  const sendOne = (sender: Sender, next?: () => void) => {
    const socket = sockets[sender.socket];
    if (!socket) throw new Error(`no socket ${sender.socket}`);
    const startedAt = now();
    sent++;
    socket.send(sender.channel, `${prefix}-${sent}`, (error) => {
      answered++;
      if (error) errors[error] = (errors[error] ?? 0) + 1;
      else {
        acked++;
        ack.record(now() - startedAt);
      }
      onAnswer?.();
      next?.();
    });
  };
  /** Waits for the answers still outstanding, at most `timeoutMs` (a timing, not an error). */
  const settle = async (timeoutMs: number, seconds: number): Promise<SendResult> => {
    if (answered < sent) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        onAnswer = () => {
          if (answered >= sent) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
    }
    return { sent, acked, unanswered: sent - answered, errors, ack: ack.encode(), seconds };
  };
  return { sendOne, settle };
}

const handlers = {
  /** Opens sockets, `parallel` at a time; their indexes continue those already open. */
  async open({
    protocol,
    targets,
    parallel = 20,
  }: {
    protocol: Protocol;
    targets: SocketTarget[];
    parallel?: number;
  }) {
    let next = 0;
    const base = sockets.length;
    const opened: ClientSocket[] = new Array<ClientSocket>(targets.length);
    await Promise.all(
      Array.from({ length: Math.min(parallel, targets.length) }, async () => {
        while (next < targets.length) {
          const index = next++;
          const socket = await openWithRetries(protocol, targets[index] as SocketTarget);
          socket.onDelivery = countDelivery;
          opened[index] = socket;
        }
      }),
    );
    sockets.push(...opened);
    return { from: base, count: opened.length };
  },

  startCounting() {
    deliveries.reset();
    delivered = 0;
    counting = true;
  },

  /** Deliveries so far (for waiting on a backlog to drain). */
  delivered: () => delivered,

  stopCounting() {
    counting = false;
    return { delivered, latency: deliveries.encode() };
  },

  /** Sends `rate` messages a second for `durationMs`, round robin over the senders. */
  async openLoop({
    senders,
    rate,
    durationMs,
    prefix,
  }: {
    senders: Sender[];
    rate: number;
    durationMs: number;
    prefix: string;
  }): Promise<SendResult> {
    const tracker = sendTracker(prefix);
    const startedAt = performance.now();
    let count = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const elapsed = performance.now() - startedAt;
        const due = Math.min(
          Math.floor((elapsed * rate) / 1000),
          Math.round((durationMs * rate) / 1000),
        );
        while (count < due) tracker.sendOne(senders[count++ % senders.length] as Sender);
        if (elapsed >= durationMs) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, 5);
    });
    return tracker.settle(10_000, (performance.now() - startedAt) / 1000);
  },

  /**
   * Every sender keeps one message in flight (the next goes when its ack comes), for
   * `durationMs` or until `count` messages were sent.
   */
  async closedLoop({
    senders,
    durationMs,
    count = Infinity,
    prefix,
  }: {
    senders: Sender[];
    durationMs: number;
    count?: number;
    prefix: string;
  }): Promise<SendResult> {
    const tracker = sendTracker(prefix);
    const startedAt = performance.now();
    const deadline = startedAt + durationMs;
    let started = 0;
    let finished = 0;
    await new Promise<void>((resolve) => {
      const next = (sender: Sender) => {
        if (performance.now() < deadline && started < count) {
          started++;
          tracker.sendOne(sender, () => next(sender));
        } else if (++finished === senders.length) resolve();
      };
      for (const sender of senders) next(sender);
      // a server that stops answering ends the loop too (settle counts what is missing)
      setTimeout(resolve, durationMs + 15_000).unref();
    });
    return tracker.settle(10_000, (performance.now() - startedAt) / 1000);
  },

  closeAll() {
    for (const socket of sockets.splice(0)) socket.close();
  },

  /**
   * Connects one socket, waits for its first frame, sends `resume` with `cursors`, and times
   * the arrival of `expected` message frames; checks that no seq repeats or comes out of order.
   */
  async resume({
    url,
    token,
    cursors,
    expected,
    timeoutMs,
  }: {
    url: string;
    token?: string;
    cursors: Record<string, number>;
    expected: number;
    timeoutMs: number;
  }) {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?token=${token ?? ''}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('message', () => resolve());
      socket.once('error', reject);
    });
    const last = new Map(Object.entries(cursors));
    let received = 0;
    let disorder = 0;
    const startedAt = performance.now();
    const done = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`resume: ${received} of ${expected} messages in ${timeoutMs} ms`)),
        timeoutMs,
      );
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as { type: string; channel: string; seq: number };
        if (frame.type !== 'message') return;
        if (frame.seq !== (last.get(frame.channel) ?? 0) + 1) disorder++;
        last.set(frame.channel, frame.seq);
        if (++received === expected) {
          clearTimeout(timer);
          resolve(performance.now() - startedAt);
        }
      });
    });
    socket.send(JSON.stringify({ type: 'resume', cursors }));
    const ms = await done.finally(() => socket.terminate());
    if (disorder > 0) throw new Error(`resume: ${disorder} messages out of seq order`);
    return { ms, received };
  },
};

export type ClientHandlers = typeof handlers;
serve(handlers);
