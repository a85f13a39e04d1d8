// A bounded queue read with `for await`, ending when its signal aborts. It turns callbacks
// into what a tRPC async-generator subscription yields.

export class QueueOverflowError extends Error {
  constructor(limit: number) {
    super(`The consumer fell more than ${limit} events behind`);
    this.name = 'QueueOverflowError';
  }
}

export class QueueEndedError extends Error {
  constructor() {
    super('The consumer is gone');
    this.name = 'QueueEndedError';
  }
}

export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | null = null;
  private readonly roomWaiters: (() => void)[] = [];
  private failure: Error | null = null;
  private ended = false;

  constructor(
    private readonly limit: number,
    signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', () => this.end(), { once: true });
  }

  push(item: T) {
    if (this.ended) return;
    // A consumer that stops reading must not grow memory without bound: it is cut off and
    // resumes from its last event when it reconnects.
    if (this.items.length >= this.limit) return this.fail(new QueueOverflowError(this.limit));
    this.items.push(item);
    this.signal();
  }

  /**
   * Resolves once the queue is at most half full: a producer that can wait, such as a backlog
   * read page by page, waits here instead of overflowing the queue. Rejects once the queue has
   * ended, so that producer stops rather than reading on for nobody.
   */
  async hasRoom(): Promise<void> {
    for (;;) {
      if (this.ended) throw new QueueEndedError();
      if (this.items.length <= this.limit / 2) return;
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
  }

  fail(error: Error) {
    this.failure = error;
    this.end();
  }

  end() {
    this.ended = true;
    this.signal();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.failure) throw this.failure;
      const item = this.items.shift();
      if (item !== undefined) {
        if (this.items.length <= this.limit / 2) this.wakeProducers();
        yield item;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private signal() {
    const wake = this.wake;
    this.wake = null;
    wake?.();
    if (this.ended) this.wakeProducers();
  }

  private wakeProducers() {
    for (const resolve of this.roomWaiters.splice(0)) resolve();
  }
}
