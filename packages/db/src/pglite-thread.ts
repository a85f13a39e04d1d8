// PGlite in a worker thread, seen from the server's thread through the part of PGlite's API that
// Drizzle's driver uses (`query`, `transaction`). The database stays one connection: statements
// reach it in the order they were made, and a transaction has it to itself from BEGIN to
// COMMIT or ROLLBACK, while the event loop here goes on serving sockets.
import { Worker } from 'node:worker_threads';
import type { PGlite, Results, Transaction } from '@electric-sql/pglite';

interface QueryOptions {
  rowMode?: 'array' | 'object';
}

type ErrorFields = Record<string, unknown> & { message: string };

type Reply = { id: number; result: Results } | { id: number; error: ErrorFields };

/** Postgres settings for a small embedded server: what PGlite keeps in memory. */
export interface PgliteMemory {
  /** Postgres' page cache (`shared_buffers`), e.g. '8MB'. */
  sharedBuffers: string;
}

export const defaultPgliteMemory: PgliteMemory = { sharedBuffers: '8MB' };

/** PGlite's own start parameters, with the memory settings. */
const startParams = (memory: PgliteMemory) => [
  '--single',
  '-F',
  '-O',
  '-j',
  '-c',
  'search_path=public',
  '-c',
  'exit_on_error=false',
  '-c',
  'log_checkpoints=false',
  '-c',
  'max_worker_processes=0',
  '-c',
  'max_parallel_workers=0',
  '-c',
  'max_parallel_workers_per_gather=0',
  '-c',
  'io_method=sync',
  '-c',
  'max_parallel_maintenance_workers=0',
  '-c',
  `shared_buffers=${memory.sharedBuffers}`,
];

/** A thread running PGlite on `dataDir`, once it is up. */
async function spawn(dataDir: string | undefined, memory: PgliteMemory): Promise<Worker> {
  const worker = new Worker(new URL('./pglite-worker.js', import.meta.url), {
    workerData: { dataDir, startParams: startParams(memory) },
    // the thread's JavaScript only passes statements and rows along: a small young generation
    // (V8's default reserves 16 MiB semi-spaces per thread) keeps its resident memory low
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
  });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      worker.off('error', reject);
      if (message === 'ready') return resolve();
      reject(new PgliteError((message as { startError: ErrorFields }).startError));
      void worker.terminate();
    };
    worker.once('message', onMessage);
    worker.once('error', reject);
  });
  return worker;
}

/** A database error from the worker, with its SQLSTATE (`code`) and details as PGlite gave them. */
export class PgliteError extends Error {
  code?: string;
  constructor(fields: ErrorFields) {
    super(fields.message);
    Object.assign(this, fields);
    this.name = 'DatabaseError';
  }
}

export class PgliteThread {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (result: Results) => void; reject: (error: Error) => void }
  >();
  /** Settles when the latest transaction has ended: statements made after it wait for it. */
  private turn: Promise<void> = Promise.resolve();
  private failure: Error | null = null;

  private constructor(
    worker: Worker,
    private readonly dataDir: string | undefined,
    private readonly memory: PgliteMemory,
  ) {
    this.worker = worker;
    this.listen(worker);
  }

  /** Starts PGlite on its thread (in memory without `dataDir`) and waits until it is up. */
  static async start(dataDir: string | undefined, memory = defaultPgliteMemory) {
    return new PgliteThread(await spawn(dataDir, memory), dataDir, memory);
  }

  /**
   * Stops PGlite and starts it again on the same data folder, between two statements. Its
   * WebAssembly memory only ever grows: initdb and migrations leave it at hundreds of MiB that
   * serving a small team never needs again; a new instance starts from its initial size.
   * Without a data folder (an in-memory database) there is nothing to start again from.
   */
  async restart(): Promise<void> {
    if (this.dataDir === undefined) return;
    const before = this.turn;
    let end = () => {};
    this.turn = new Promise((resolve) => (end = resolve));
    try {
      await before;
      const old = this.worker;
      await this.stopWorker();
      old.removeAllListeners();
      // its memory goes with the thread
      await old.terminate();
      this.worker = await spawn(this.dataDir, this.memory);
      this.listen(this.worker);
    } finally {
      end();
    }
  }

  private listen(worker: Worker) {
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', () => this.fail(new Error('The embedded database has stopped')));
  }

  /** One statement, after any transaction begun before it has ended. */
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.turn.then(() => this.send<T>(sql, params, options));
  }

  /** Runs `fn` with the connection to itself: committed if it returns, rolled back if it throws. */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const before = this.turn;
    let end = () => {};
    this.turn = new Promise((resolve) => (end = resolve));
    try {
      await before;
      await this.send('BEGIN');
      let open = true;
      const tx = {
        query: <R>(sql: string, params?: unknown[], options?: QueryOptions) => {
          if (!open) return Promise.reject(new Error('Transaction is closed'));
          return this.send<R>(sql, params, options);
        },
        get closed() {
          return !open;
        },
      } as unknown as Transaction;
      try {
        const result = await fn(tx);
        await this.send('COMMIT');
        return result;
      } catch (error) {
        await this.send('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        open = false;
      }
    } finally {
      end();
    }
  }

  /** Stops PGlite (it writes what it holds to the data folder) and the thread. */
  async close(): Promise<void> {
    await this.turn;
    if (this.failure) return;
    await this.stopWorker();
    this.failure = new Error('The embedded database is closed');
    await this.worker.terminate();
  }

  /** Has PGlite write what it holds to the data folder and stop. */
  private async stopWorker() {
    const closed = new Promise<void>((resolve) => (this.onClosed = resolve));
    this.worker.postMessage('close');
    await closed;
  }

  private onClosed = () => {};

  /** What Drizzle's PGlite driver is given. */
  asPglite(): PGlite {
    return this as unknown as PGlite;
  }

  private send<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Results<T>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: Results) => void, reject });
      this.worker.postMessage({ id, sql, params, rowMode: options?.rowMode });
    });
  }

  private settle(reply: Reply | 'closed' | { closeError: ErrorFields }) {
    // closed, or not: either way PGlite has done what it could with its files
    if (reply === 'closed' || 'closeError' in reply) return this.onClosed();
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if ('error' in reply) waiting.reject(new PgliteError(reply.error));
    else waiting.resolve(reply.result);
  }

  private fail(error: Error) {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}
