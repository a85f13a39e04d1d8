// What every scenario of one run shares: the sizes, the services from the environment, the
// anchors measured so far, and everything started (processes, databases) to clean up after.
import { randomBytes } from 'node:crypto';
import { createEmptyPostgresDatabase } from '@chat/db/testing';
import { services } from './env.js';
import type { Latency } from './lib/latency.js';
import { Worker, type Handlers } from './lib/rpc.js';
import type { Sizes } from './sizes.js';

export interface Measured {
  rate: number;
  latency: Latency;
}

export class Context {
  readonly runId = Date.now().toString(36).slice(-6) + randomBytes(2).toString('hex');
  readonly jwtSecret = randomBytes(48).toString('base64');
  readonly databaseUrl = services.databaseUrl;
  readonly redisUrl = services.redisUrl;
  /** Results later scenarios compare against, by name (e.g. `insert-c64`). */
  readonly measured = new Map<string, Measured>();
  private readonly cleanups: (() => Promise<unknown>)[] = [];

  /** `only`: scenario id prefixes to run (`--only`); undefined runs every scenario. */
  constructor(
    readonly sizes: Sizes,
    private readonly only?: readonly string[],
  ) {}

  /** Whether any of these scenarios is part of this run. */
  wants(...ids: string[]): boolean {
    const { only } = this;
    return !only || ids.some((id) => only.some((prefix) => id.startsWith(prefix)));
  }

  get warmupMs(): number {
    return Math.min(1000, this.sizes.windowMs / 5);
  }

  /** A new, empty database on DATABASE_URL's server, dropped when the run ends. */
  async freshDatabase(): Promise<string> {
    const database = await createEmptyPostgresDatabase();
    this.defer(() => database.drop());
    return database.url;
  }

  /** A worker process (src/workers/<script>.ts), stopped when the run ends at the latest. */
  worker<H extends Handlers>(
    name: string,
    script: string,
    options?: ConstructorParameters<typeof Worker>[2],
  ): Worker<H> {
    const worker = new Worker<H>(name, script, options);
    this.defer(() => worker.stop());
    return worker;
  }

  defer(cleanup: () => Promise<unknown>): void {
    this.cleanups.push(cleanup);
  }

  /** Runs every cleanup registered after `mark` (newest first); keeps going past failures. */
  async cleanUp(mark = 0): Promise<void> {
    while (this.cleanups.length > mark) {
      const cleanup = this.cleanups.pop();
      await cleanup?.().catch((error: unknown) => console.error('cleanup failed:', error));
    }
  }

  /** Where cleanUp(mark) should stop, to end what one phase started. */
  mark(): number {
    return this.cleanups.length;
  }
}
