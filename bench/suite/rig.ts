import type { ChildProcess } from 'node:child_process';
import { nextMessage, spawn, split, stop } from './processes.js';
import type {
  ServerCommand,
  ServerMessage,
  ServerName,
  ServerSetup,
  WorkerMessage,
  WorkerRole,
  WorkerSetup,
} from './protocol.js';

/** A server process under test and the client workers pointed at it. */
export interface Rig {
  port: number;
  command(command: ServerCommand): void;
  /** The server's CPU µs since its last run or `cpu-reset`. */
  cpuMicros(): Promise<number>;
  memory(): Promise<{ rss: number; heapUsed: number }>;
  /** Starts one client worker per share of `total`, each set up by `setup(count, index)`. */
  workers(
    total: number,
    parts: number,
    setup: (count: number, index: number) => WorkerRole,
  ): ChildProcess[];
}

export const fromAll = <T extends WorkerMessage>(clients: ChildProcess[], type: T['type']) =>
  Promise.all(clients.map((c) => nextMessage<T>(c, type)));

/** Runs `body` against a fresh `server` process; the server and its workers are stopped after. */
export async function withServer<T>(
  server: ServerName,
  setup: ServerSetup,
  body: (rig: Rig) => Promise<T>,
  execArgv: string[] = [],
): Promise<T> {
  const serverProcess = spawn('./server.ts', [server, JSON.stringify(setup)], execArgv);
  const clients: ChildProcess[] = [];
  try {
    const { port } = await nextMessage<ServerMessage & { type: 'ready' }>(serverProcess, 'ready');
    return await body({
      port,
      command: (command) => serverProcess.send(command),
      async cpuMicros() {
        serverProcess.send({ type: 'cpu' });
        const m = await nextMessage<ServerMessage & { type: 'cpu' }>(serverProcess, 'cpu');
        return m.cpuMicros;
      },
      async memory() {
        serverProcess.send({ type: 'memory' });
        return nextMessage<ServerMessage & { type: 'memory' }>(serverProcess, 'memory');
      },
      workers(total, parts, workerSetup) {
        const started = split(total, parts).map((count, i) =>
          spawn('./client-worker.ts', [
            JSON.stringify({ server, port, count, ...workerSetup(count, i) } satisfies WorkerSetup),
          ]),
        );
        clients.push(...started);
        return started;
      },
    });
  } finally {
    await Promise.all(clients.map(stop));
    await stop(serverProcess);
  }
}
