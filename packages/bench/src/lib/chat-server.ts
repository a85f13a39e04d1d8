// Our server as a user starts it: the built apps/server/dist/main.js in its own process, with
// its configuration in the environment. The bench talks to it only through its public
// interfaces: REST, /ws, /metrics and (enabled here) /debug/heap.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, startServer, type ServerProcess } from '@chat/server/testing';
import { services } from '../env.js';
import type { LoopDelay } from './event-loop.js';

/** What the bench raises: it registers, connects and sends far faster than a person. */
const benchLimits = {
  WRITE_RATE_LIMIT: '1000000/1',
  WS_RATE_LIMIT: '1000000/1',
  AUTH_RATE_LIMIT_PER_IP: '1000000',
  AUTH_RATE_LIMIT_PER_ACCOUNT: '1000000',
  DEBUG_HEAP_ENDPOINT: 'true',
};

export interface ChatServerOptions {
  /** A Postgres database (else PGlite in a temporary DATA_DIR). */
  databaseUrl?: string;
  redisUrl?: string;
  redisKeyPrefix?: string;
  jwtSecret: string;
}

export class ChatServer {
  private constructor(
    readonly url: string,
    private readonly process: ServerProcess,
    private readonly dataDir: string,
  ) {}

  static async start(options: ChatServerOptions): Promise<ChatServer> {
    const dataDir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
    const env: Record<string, string> = {
      ...benchLimits,
      DATA_DIR: dataDir,
      JWT_SECRET: options.jwtSecret,
      LOG_LEVEL: 'error',
    };
    if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
    if (options.redisUrl) env.REDIS_URL = options.redisUrl;
    if (options.redisKeyPrefix) env.REDIS_KEY_PREFIX = options.redisKeyPrefix;
    try {
      const { process, url } = await startServer({
        env,
        timeoutMs: 300_000,
        nodeArgs: services.serverNodeArgs,
      });
      return new ChatServer(url, process, dataDir);
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  get pid(): number {
    return this.process.pid ?? 0;
  }

  async api<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const reply = await request<T>(this.url, method, path, { token, body });
    if (reply.status >= 300)
      throw new Error(`${method} ${path}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  /** prom-client's event-loop delay since the previous scrape (it resets on every scrape). */
  async eventLoop(): Promise<LoopDelay> {
    const response = await fetch(`${this.url}/metrics`);
    const text = await response.text();
    const gauge = (name: string) => {
      const value = new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text)?.[1];
      return value === undefined ? NaN : Number(value) * 1000;
    };
    return {
      p99: gauge('nodejs_eventloop_lag_p99_seconds'),
      max: gauge('nodejs_eventloop_lag_max_seconds'),
    };
  }

  /** Heap and RSS after a full garbage collection, in bytes. */
  async heap(): Promise<{ heapUsed: number; rss: number }> {
    return this.api('GET', '/debug/heap');
  }

  async stop(): Promise<void> {
    const exit = await this.process.stop('SIGTERM', 15_000).catch(() => this.process.kill());
    rmSync(this.dataDir, { recursive: true, force: true });
    if (exit.code !== 0 && exit.signal !== 'SIGKILL')
      throw new Error(
        `the server exited with ${exit.signal ?? exit.code}:\n${this.process.output}`,
      );
  }
}
