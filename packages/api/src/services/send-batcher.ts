// Group commit: sends that arrive together are stored together. The busier the server, the larger
// the batches and the fewer the round trips per message. A batch of plain messages is one
// statement that commits by itself; one with replies or files is a transaction. Batches overlap:
// the next one starts as soon as the previous one holds its seqs, so it is checked and stored
// while the previous one finishes (counts replies, claims files, commits); a batch that shares a
// channel with one still in flight waits in Postgres for that row, so seqs follow commit order.
// Acks and events follow the commit, batch after batch in the order they took their seqs, in
// seq order per channel within a batch; the ack never waits for the events to be delivered.
import { sqlState, type Database } from '@chat/db';
import { serviceUnavailable } from '../errors.js';
import type { ChatEvent } from '../realtime/events.js';
import {
  commitSendBatch,
  type MessageLookup,
  type PendingSend,
  type SendOutcome,
} from './send-batch.js';
import type { FileUrlConfig } from './file-urls.js';
import type { Message } from './views.js';

export interface SendBatcherOptions {
  db: Database;
  lookup: MessageLookup;
  /** Signs the URLs of the attachments the messages carry. */
  fileUrls: FileUrlConfig;
  /** Called after the commit for each stored (or repeated) message, in seq order per channel. */
  publish: (event: ChatEvent) => Promise<void>;
  /** Where a failed publish is told (the message is stored: readers find it by its seq). */
  onPublishError?: (error: unknown) => void;
  /** Told the size of each batch that committed (metrics, tests). */
  onBatch?: (size: number) => void;
  /** How long a send may wait for others when no batch is in flight. */
  maxWaitMs?: number;
  maxBatchSize?: number;
  /** Batches in flight at once (each holds a pooled connection while it runs). */
  maxInFlight?: number;
}

interface Waiting extends PendingSend {
  resolve(outcome: SendOutcome): void;
}

/** Failures tied to one message (a constraint) or to the moment (a deadlock): worth a retry. */
const retriable = (error: unknown) => {
  const state = sqlState(error);
  return state !== undefined && (state.startsWith('23') || state === '40001' || state === '40P01');
};

export class SendBatcher {
  private readonly queue: Waiting[] = [];
  private readonly running = new Set<Promise<void>>();
  /** Whether the newest batch is yet to take its seqs: the next one waits until it has. */
  private starting = false;
  /** Settles once every batch that took its turn so far has answered. */
  private answered: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly maxWaitMs: number;
  private readonly maxBatchSize: number;
  private readonly maxInFlight: number;

  constructor(private readonly options: SendBatcherOptions) {
    this.maxWaitMs = options.maxWaitMs ?? 1;
    this.maxBatchSize = options.maxBatchSize ?? 256;
    this.maxInFlight = options.maxInFlight ?? 4;
  }

  /** Stores the message with the next seq of its channel; resolves once it is committed. */
  send(pending: PendingSend): Promise<SendOutcome> {
    if (this.closed)
      return Promise.resolve({ ok: false, error: serviceUnavailable('The server is stopping') });
    return new Promise((resolve) => {
      this.queue.push({ ...pending, resolve });
      this.schedule();
    });
  }

  /** Stores what is waiting, then refuses new sends. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running.size || this.queue.length) {
      this.flush();
      if (this.running.size) await Promise.race(this.running);
    }
  }

  private get mayStart() {
    return !this.starting && this.running.size < this.maxInFlight;
  }

  private schedule() {
    if (!this.mayStart) return; // the batch starting flushes the queue when it has its seqs
    if (this.queue.length >= this.maxBatchSize) return this.flush();
    this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
  }

  private flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.mayStart || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatchSize);
    this.starting = true;
    let started = false;
    const next = () => {
      if (started) return;
      started = true;
      this.starting = false;
      this.flush();
    };
    const run = this.commit(batch, 0, next).finally(() => {
      this.running.delete(run);
      next();
      this.flush();
    });
    this.running.add(run);
  }

  /**
   * Commits the batch and answers it in its turn; a constraint that one message broke (or a
   * deadlock) retries it split in halves, so the others still commit and the culprit fails
   * alone. Any other failure (the database is down or refused the batch) fails every send of
   * it: nothing of it was written. `started` is told when the next batch may start.
   */
  private async commit(batch: Waiting[], attempt: number, started: () => void): Promise<void> {
    const turn = new Turn(this);
    try {
      const outcomes = await commitSendBatch(
        this.options.db,
        batch,
        this.options.lookup,
        this.options.fileUrls,
        () => {
          void turn.take();
          started();
        },
      );
      await turn.take();
      this.options.onBatch?.(batch.length);
      this.answer(batch, outcomes);
    } catch (error) {
      if (retriable(error) && batch.length > 1) {
        turn.skip();
        const half = Math.ceil(batch.length / 2);
        await this.commit(batch.slice(0, half), 0, started);
        return this.commit(batch.slice(half), 0, started);
      }
      // alone: a clientMsgId another instance stored meanwhile is found by the retry's check
      if (retriable(error) && attempt < 2) {
        turn.skip();
        return this.commit(batch, attempt + 1, started);
      }
      await turn.take();
      this.answer(
        batch,
        batch.map(() => ({ ok: false, error: error as Error })),
      );
    } finally {
      turn.done();
    }
  }

  /** Appends a turn to the chain of answers; resolves when every turn before it is done. */
  takeTurn(): { ready: Promise<void>; done: () => void } {
    const ready = this.answered;
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.answered = ready.then(() => mine);
    return { ready, done };
  }

  /** Acks first, then events, both in seq order per channel. */
  private answer(batch: Waiting[], outcomes: SendOutcome[]) {
    const answers = batch
      .map((waiting, i) => ({ waiting, outcome: outcomes[i] ?? undecided }))
      .sort((a, b) => bySeq(a.outcome, b.outcome));
    for (const { waiting, outcome } of answers) waiting.resolve(outcome);
    const published = new Set<string>();
    // a thread's root after its replies, once per batch, as the batch left it
    const roots = new Map<string, Message>();
    for (const { outcome } of answers) {
      if (!outcome.ok || published.has(outcome.message.id)) continue;
      published.add(outcome.message.id);
      this.publish({
        type: 'message',
        channelId: outcome.message.channelId,
        message: outcome.message,
      });
      if (outcome.created && outcome.root) roots.set(outcome.root.id, outcome.root);
    }
    for (const root of roots.values())
      this.publish({ type: 'message_updated', channelId: root.channelId, message: root });
  }

  private publish(event: ChatEvent) {
    const onError = this.options.onPublishError ?? (() => {});
    try {
      this.options.publish(event).catch(onError);
    } catch (error) {
      onError(error);
    }
  }
}

/**
 * A transaction's place among the answers: taken when it takes its seqs (the order in which
 * batches that share a channel commit), or when it ends without any.
 */
class Turn {
  private turn: { ready: Promise<void>; done: () => void } | undefined;
  private finished = false;

  constructor(private readonly batcher: SendBatcher) {}

  take(): Promise<void> {
    this.turn ??= this.batcher.takeTurn();
    return this.turn.ready;
  }

  /** The transaction failed and is retried: its place goes to nobody. */
  skip() {
    this.turn?.done();
    this.turn = undefined;
  }

  done() {
    if (this.finished) return;
    this.finished = true;
    this.turn?.done();
  }
}

const undecided: SendOutcome = { ok: false, error: new Error('send not decided') };

/** Successes by channel then seq; failures keep their place at the end. */
function bySeq(a: SendOutcome, b: SendOutcome): number {
  if (!a.ok || !b.ok) return Number(!a.ok) - Number(!b.ok);
  if (a.message.channelId !== b.message.channelId)
    return a.message.channelId < b.message.channelId ? -1 : 1;
  return a.message.seq - b.message.seq;
}
