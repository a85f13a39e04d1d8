// A TCP proxy in front of the machine's Postgres that a fault drill cuts and restores. A cut is
// a network gone dead without a word: open connections stay open but nothing crosses them any
// more, in either direction (no reset, no FIN); new connections are accepted and never
// answered. `restore()` heals it for new connections; a connection the cut caught stays silent
// for good (as after a partition that outlasts TCP's patience) until its owner drops it — and a
// close made during the cut reaches the other side only once the network is back.
import { connect, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
  silent: boolean;
}

export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  /** Upstream sockets whose client closed during the cut: closed when the network is back. */
  private readonly closeOnRestore = new Set<Socket>();
  private isCut = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('the proxy did not listen');
    const proxy = new TcpProxy(server, address.port);
    server.on('connection', (client) => proxy.accept(client, target));
    return proxy;
  }

  /** Connections the cut silenced that their owner (the server under test) still holds open. */
  get silencedConnections(): number {
    return [...this.pairs].filter((pair) => pair.silent).length;
  }

  cut(): void {
    this.isCut = true;
    for (const pair of this.pairs) silence(pair);
  }

  restore(): void {
    this.isCut = false;
    for (const socket of this.closeOnRestore) socket.destroy();
    this.closeOnRestore.clear();
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    this.restore();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket, target: { host: string; port: number }) {
    const pair: Pair = { client, upstream: undefined, silent: false };
    this.pairs.add(pair);
    client.on('error', () => {});
    client.once('close', () => {
      this.pairs.delete(pair);
      if (!pair.upstream) return;
      if (this.isCut) this.closeOnRestore.add(pair.upstream);
      else pair.upstream.destroy();
    });
    if (this.isCut) return silence(pair);
    const upstream = connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => {});
    upstream.once('close', () => {
      // the database closed it: the client hears of it, unless the network is dead
      if (!pair.silent) client.destroy();
    });
    client.pipe(upstream).pipe(client);
  }
}

/** Nothing crosses the pair any more: what arrives on either side is dropped. */
function silence(pair: Pair) {
  pair.silent = true;
  for (const socket of [pair.client, pair.upstream]) {
    if (!socket) continue;
    socket.unpipe();
    socket.removeAllListeners('data');
    socket.on('data', () => {});
    socket.resume();
  }
}
