// Group commit: sends that arrive together are stored together. One batch is in flight at a time;
// the sends that arrive meanwhile wait for it and form the next one, so the busier the server,
// the larger the batches and the fewer the round trips per message. Acks and events follow the
// commit, in seq order per channel; the ack never waits for the events to be delivered.
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
  private inFlight: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly maxWaitMs: number;
  private readonly maxBatchSize: number;

  constructor(private readonly options: SendBatcherOptions) {
    this.maxWaitMs = options.maxWaitMs ?? 1;
    this.maxBatchSize = options.maxBatchSize ?? 256;
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
    while (this.inFlight || this.queue.length) {
      if (!this.inFlight) this.flush();
      await this.inFlight;
    }
  }

  private schedule() {
    if (this.inFlight) return; // the batch in flight flushes the queue when it is done
    if (this.queue.length >= this.maxBatchSize) return this.flush();
    this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
  }

  private flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatchSize);
    this.inFlight = this.run(batch).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length) this.flush();
    });
  }

  private async run(batch: Waiting[]): Promise<void> {
    const outcomes = await this.commit(batch, 0);
    this.options.onBatch?.(batch.length);
    this.answer(batch, outcomes);
  }

  /**
   * Commits the batch; a constraint that one message broke (or a deadlock) retries it split in
   * halves, so the others still commit and the culprit fails alone. Any other failure (the
   * database is down or refused the batch) fails every send of it: nothing of it was written.
   */
  private async commit(batch: Waiting[], attempt: number): Promise<SendOutcome[]> {
    try {
      return await commitSendBatch(
        this.options.db,
        batch,
        this.options.lookup,
        this.options.fileUrls,
      );
    } catch (error) {
      if (retriable(error) && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        return [
          ...(await this.commit(batch.slice(0, half), 0)),
          ...(await this.commit(batch.slice(half), 0)),
        ];
      }
      // alone: a clientMsgId another instance stored meanwhile is found by the retry's check
      if (retriable(error) && attempt < 2) return this.commit(batch, attempt + 1);
      return batch.map(() => ({ ok: false, error: error as Error }));
    }
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

const undecided: SendOutcome = { ok: false, error: new Error('send not decided') };

/** Successes by channel then seq; failures keep their place at the end. */
function bySeq(a: SendOutcome, b: SendOutcome): number {
  if (!a.ok || !b.ok) return Number(!a.ok) - Number(!b.ok);
  if (a.message.channelId !== b.message.channelId)
    return a.message.channelId < b.message.channelId ? -1 : 1;
  return a.message.seq - b.message.seq;
}
