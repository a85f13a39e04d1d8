// Request/response over a forked child's IPC channel: the bench's clients and anchor servers
// each run in a process of their own (so the measured server and its load never share a
// thread), and the coordinator asks them to do things and answer with what they measured.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEnv } from '../env.js';

type Handler = (params: never) => unknown;
export type Handlers = Record<string, Handler>;

interface Request {
  id: number;
  method: string;
  params: unknown;
}
interface Response {
  id: number;
  result?: unknown;
  error?: string;
}

/** A worker script in src/workers, started with tsx (and node flags such as --expose-gc). */
export class Worker<H extends Handlers> {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private readonly exited: Promise<void>;
  private stderr = '';

  constructor(
    readonly name: string,
    script: string,
    { env = {}, nodeFlags = [] }: { env?: Record<string, string>; nodeFlags?: string[] } = {},
  ) {
    const path = fileURLToPath(new URL(`../workers/${script}.ts`, import.meta.url));
    this.child = fork(path, [], {
      execArgv: ['--import', 'tsx', ...nodeFlags],
      env: childEnv(env),
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    this.child.on('message', (message: Response) => {
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) call.reject(new Error(`${this.name}: ${message.error}`));
      else call.resolve(message.result);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        const error = new Error(
          `${this.name} exited (${signal ?? code}) with calls pending\n${this.stderr}`,
        );
        for (const call of this.pending.values()) call.reject(error);
        this.pending.clear();
        resolve();
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  call<M extends keyof H & string>(
    method: M,
    ...params: Parameters<H[M]> extends [] ? [] : Parameters<H[M]>
  ): Promise<Awaited<ReturnType<H[M]>>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, method, params: params[0] } satisfies Request);
    });
  }

  /** Ends the process (SIGTERM, SIGKILL after 3 s) and waits for it. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

/** In a worker: answers the coordinator's calls with `handlers`; exits when it goes away. */
export function serve(handlers: Handlers): void {
  process.on('message', (message: Request) => {
    const handler = handlers[message.method];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`no method ${message.method}`);
        return handler(message.params as never);
      })
      .then(
        (result) => process.send?.({ id: message.id, result } satisfies Response),
        (error: unknown) =>
          process.send?.({
            id: message.id,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          } satisfies Response),
      );
  });
  process.on('disconnect', () => process.exit(0));
}
