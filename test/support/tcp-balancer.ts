import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A minimal TCP load balancer for cluster tests: each new connection goes to the first backend
 * that accepts it, in order, as a health-checking proxy would send clients away from a dead node;
 * or, with `first`, starting from the backend it names for the n-th connection (a balancer
 * without sticky sessions), and on to the next ones, wrapping around, while they refuse.
 */
export class TcpBalancer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** Connections accepted so far, by the backend that took them. */
  readonly taken: number[];

  constructor(
    private readonly backends: number[],
    first: (connection: number) => number = () => 0,
  ) {
    this.taken = backends.map(() => 0);
    let accepted = 0;
    this.server = createServer((client) => this.route(client, first(accepted++)));
  }

  /** Listens on `port` (default: a free one); after `close()`, may listen again on the same. */
  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  /** Cuts every connection it carries, as a network fault would; new ones are still taken. */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Sends new connections for backend `index` to `port` (a node restarted elsewhere). */
  replace(index: number, port: number): void {
    this.backends[index] = port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Tries `index` and then the backends after it, wrapping around, until one accepts. */
  private route(client: Socket, index: number, tried = 0): void {
    if (tried >= this.backends.length) {
      client.destroy();
      return;
    }
    index %= this.backends.length;
    const port = this.backends[index] as number;
    client.pause();
    const upstream = connect(port, '127.0.0.1');
    upstream.once('error', () => this.route(client, index + 1, tried + 1));
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      this.taken[index] = (this.taken[index] ?? 0) + 1;
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.resume();
    });
  }
}
