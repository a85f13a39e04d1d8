// A circuit breaker per backing store (Postgres, Redis). While a store is known to be down,
// requests get 503 SERVICE_UNAVAILABLE at once instead of each waiting out its own timeout and
// piling up behind the connection pool. It opens when a probe of the store fails or does not
// answer in time (a probe runs when a call failed as if the store were unreachable, and on every
// readiness check); while open it probes every `retryMs` and closes at the first answer.
//
// Not opossum: a breaker there wraps one function that every call goes through (`fire()`), but
// our calls are Drizzle queries and ioredis commands made all over the services. Here the calls
// stay as they are, their failures are reported, and the store itself is asked.
import { AppError, isUnavailable, serviceUnavailable } from '@chat/api/server';

export interface StoreBreakerOptions {
  /** A probe that takes longer than this counts as failed. */
  probeTimeoutMs?: number;
  /** While open: how often the store is probed. */
  retryMs?: number;
  /** Told of every change: `true` when the breaker opens, `false` when it closes again. */
  onChange?: (open: boolean) => void;
}

export class StoreBreaker {
  private open = false;
  /** The probe in flight, shared by the checks made while it may still answer in time. */
  private attempt: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly probeTimeoutMs: number;
  private readonly retryMs: number;

  constructor(
    /** How the store is named in the 503's message ("The database"). */
    readonly name: string,
    private readonly probe: () => Promise<void>,
    private readonly options: StoreBreakerOptions = {},
  ) {
    this.probeTimeoutMs = options.probeTimeoutMs ?? 900;
    this.retryMs = options.retryMs ?? 250;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Throws SERVICE_UNAVAILABLE while the store is down. */
  assertClosed(): void {
    if (this.open) throw serviceUnavailable(`${this.name} is unavailable; try again shortly`);
  }

  /**
   * A call failed: when the driver's error says a store cannot be reached, the store is probed.
   * Our own SERVICE_UNAVAILABLE (a breaker's refusal) is no news of any store.
   */
  report(error: unknown): void {
    if (!(error instanceof AppError) && isUnavailable(error)) this.suspect();
  }

  /** Something hints that the store went away (a lost connection): it is probed. */
  suspect(): void {
    if (!this.open && !this.stopped) void this.check();
  }

  /** Probes the store: true when it answered in time. Opens or closes the breaker to match. */
  async check(): Promise<boolean> {
    const attempt = (this.attempt ??= this.probe().finally(() => {
      if (this.attempt === attempt) this.attempt = undefined;
    }));
    const ok = await withTimeout(attempt, this.probeTimeoutMs).then(
      () => true,
      () => false,
    );
    // one that hangs (a connection cut off without a word) is left behind: the next check asks anew
    if (this.attempt === attempt) this.attempt = undefined;
    if (!this.stopped) this.setOpen(!ok);
    return ok;
  }

  /** Stops probing (on shutdown). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private setOpen(open: boolean) {
    if (open === this.open) return;
    this.open = open;
    clearInterval(this.timer);
    if (open) this.timer = setInterval(() => void this.check(), this.retryMs).unref();
    this.options.onChange?.(open);
  }
}

/**
 * Rejects when `promise` has not settled `ms` after the call. When the timer fires late (the
 * event loop was held up, as on a busy machine), an answer that arrived meanwhile is still
 * waiting in the I/O queue, behind the timers: the queue is read once (setImmediate runs after
 * it) before the promise counts as unanswered, so a stalled server does not take a store that
 * answered for one that is down.
 */
function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => setImmediate(() => reject(new Error(`no answer within ${ms} ms`))),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
