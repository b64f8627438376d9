import type { Server } from 'node:http';

/** What the system's listen errors mean, for people. */
const problems: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address does not belong to this machine',
  ENOTFOUND: 'the host name does not resolve',
};

/** An address that cannot be listened on: `cannot listen on 0.0.0.0:8080: the port is already in use`. */
export class ListenError extends Error {
  override name = 'ListenError';
  /** The system's code (`EADDRINUSE`, `EACCES`, …). */
  readonly code: string | undefined;

  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const problem = (cause.code && problems[cause.code]) ?? cause.message;
    super(`cannot listen on ${host}:${port}: ${problem}`, { cause });
    this.code = cause.code;
  }
}

/** Listens on `port` and `host`; rejects with a ListenError when the address cannot be had. */
export function listenOn(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException): void => reject(new ListenError(host, port, error));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}
