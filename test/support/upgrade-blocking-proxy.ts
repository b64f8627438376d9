import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * An HTTP proxy in front of a gateway, as corporate proxies are: plain requests pass, WebSocket
 * upgrades pass until `blockUpgrades()`, after which they are refused with 403 (or, with
 * `'hang'`, left unanswered) and those already through are cut; `allowUpgrades()` lets them
 * through again.
 */
export class UpgradeBlockingProxy {
  /** `METHOD path` of every plain request that went through. */
  readonly requests: string[] = [];
  private readonly server: Server;
  /** Upgrade requests seen, whatever became of them. */
  upgrades = 0;
  private readonly tunnels = new Set<Duplex>();
  private blocking: false | 'refuse' | 'hang' = false;

  constructor(private readonly target: number) {
    this.server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      const upstream = request(
        {
          host: '127.0.0.1',
          port: target,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
    });
    this.server.on('upgrade', (req, socket, head) =>
      this.upgrade(req.rawHeaders, req.url, socket, head),
    );
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  /** From now on upgrades are refused (or hang), and open WebSockets through the proxy are cut. */
  blockUpgrades(how: 'refuse' | 'hang' = 'refuse'): void {
    this.blocking = how;
    for (const socket of this.tunnels) socket.destroy();
  }

  allowUpgrades(): void {
    this.blocking = false;
  }

  async close(): Promise<void> {
    for (const socket of this.tunnels) socket.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private upgrade(rawHeaders: string[], url: string | undefined, socket: Duplex, head: Buffer) {
    this.upgrades += 1;
    if (this.blocking === 'hang') {
      this.tunnels.add(socket);
      socket.on('close', () => this.tunnels.delete(socket));
      return;
    }
    if (this.blocking === 'refuse') {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const upstream: Socket = connect(this.target, '127.0.0.1', () => {
      const lines = [`GET ${url ?? '/'} HTTP/1.1`];
      for (let i = 0; i < rawHeaders.length; i += 2)
        lines.push(`${rawHeaders[i]}: ${rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    for (const end of [socket, upstream]) {
      this.tunnels.add(end);
      end.on('error', () => undefined);
      end.on('close', () => {
        this.tunnels.delete(end);
        socket.destroy();
        upstream.destroy();
      });
    }
  }
}
