// Prometheus metrics of this process (prom-client), served at GET /metrics. One registry per
// process; the counters are called from the edges where things happen: every HTTP response,
// every WebSocket opened and closed, every event published after commit, every message written
// to a socket.
import type { ChatEvent, Message } from '@chat/api/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Transport = 'ws' | 'trpc-ws';

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Commit times of this instance's recent messages, for commit→deliver (bounded, oldest out). */
const maxTrackedCommits = 10_000;

class Metrics {
  readonly registry = new Registry();
  private readonly committedAt = new Map<string, number>();

  private readonly httpRequests = new Histogram({
    name: 'chat_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code, with their duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  private readonly openSockets = new Gauge({
    name: 'chat_open_sockets',
    help: 'WebSocket connections open now, by transport (plain /ws, tRPC)',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
  private readonly messagesSent = new Counter({
    name: 'chat_messages_sent_total',
    help: 'Messages committed by this instance, by author kind (user or webhook)',
    labelNames: ['author'] as const,
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'chat_message_deliveries_total',
    help: 'Messages written to client connections by this instance, by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
  private readonly sendToCommit = new Histogram({
    name: 'chat_message_send_to_commit_seconds',
    help: "From a message's insert (its createdAt, by the database's clock) to its publication after commit",
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  private readonly commitToDeliver = new Histogram({
    name: 'chat_message_commit_to_deliver_seconds',
    help: 'From a message committed by this instance to its writes to connections here (once per message per turn of the event loop: its writes in one turn happen together)',
    labelNames: ['transport'] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });

  private readonly sendBatches = new Histogram({
    name: 'chat_send_batch_size',
    help: 'Sends stored together by one group commit (one transaction)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const transport of ['ws', 'trpc-ws'] satisfies Transport[])
      this.openSockets.set({ transport }, 0);
  }

  httpResponse(method: string, route: string, status: number, seconds: number) {
    this.httpRequests.observe({ method, route, status: String(status) }, seconds);
  }

  socketOpened(transport: Transport) {
    this.openSockets.inc({ transport });
  }

  socketClosed(transport: Transport) {
    this.openSockets.dec({ transport });
  }

  /** An event about to be published, after its transaction committed. */
  published(event: ChatEvent) {
    if (event.type !== 'message') return;
    const { message } = event;
    const now = Date.now();
    this.messagesSent.inc({ author: message.webhookId ? 'webhook' : 'user' });
    this.sendToCommit.observe(Math.max(0, now - Date.parse(message.createdAt)) / 1000);
    this.committedAt.set(message.id, now);
    if (this.committedAt.size > maxTrackedCommits) {
      const oldest = this.committedAt.keys().next();
      if (!oldest.done) this.committedAt.delete(oldest.value);
    }
  }

  /** A group commit of `size` sends, done. */
  sendBatch(size: number) {
    this.sendBatches.observe(size);
  }

  /** A message written to one connection (messages committed elsewhere are counted, not timed). */
  /** Counted per delivery, recorded once per message per turn of the event loop. */
  delivered(message: Message, transport: Transport) {
    const counts = this.deliveredThisTurn[transport];
    if (this.deliveredThisTurn.ws.size + this.deliveredThisTurn['trpc-ws'].size === 0)
      setImmediate(this.recordDeliveries);
    counts.set(message.id, (counts.get(message.id) ?? 0) + 1);
  }

  private readonly deliveredThisTurn: Record<Transport, Map<string, number>> = {
    ws: new Map(),
    'trpc-ws': new Map(),
  };

  private readonly recordDeliveries = () => {
    const now = Date.now();
    for (const transport of ['ws', 'trpc-ws'] satisfies Transport[]) {
      const counts = this.deliveredThisTurn[transport];
      let delivered = 0;
      for (const [messageId, count] of counts) {
        delivered += count;
        const committed = this.committedAt.get(messageId);
        if (committed !== undefined)
          this.commitToDeliver.observe({ transport }, Math.max(0, now - committed) / 1000);
      }
      if (delivered > 0) this.deliveries.inc({ transport }, delivered);
      counts.clear();
    }
  };
}

export const metrics = new Metrics();
