import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Redis or NATS server of a test's own, on a spare port, that the test may stop and start
 * again (to try broker faults) without touching the machine's shared services.
 */
export interface PrivateService {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Sends a signal to the running process: SIGSTOP freezes it (a partition), SIGCONT thaws it. */
  signal(signal: NodeJS.Signals): void;
  /** Stops it for good and removes its data. */
  dispose(): Promise<void>;
}

/** A loopback port nobody listens on: taken from the system, then given back. */
export async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A server process of the test's own on `port` (default: a spare one), with a data folder. */
export async function privateService(
  scheme: string,
  command: string,
  args: (port: number, dir: string) => string[],
  chosenPort?: number,
): Promise<PrivateService> {
  const port = chosenPort ?? (await sparePort());
  const dir = await mkdtemp(join(tmpdir(), `herald-${scheme}-`));
  let child: ChildProcess | undefined;
  const service: PrivateService = {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    async start() {
      child = spawn(command, args(port, dir), { stdio: 'ignore' });
      await waitForPort(port);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
    signal(signal) {
      child?.kill(signal);
    },
    async dispose() {
      await service.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await service.start();
  return service;
}

/**
 * `redis-server` arguments for a server on `port` keeping its files in `dir`: nothing saved,
 * unless `persistent` (an append-only file synced on every write); `extra` comes last.
 */
export function redisArgs(
  port: number,
  dir: string,
  options: { persistent?: boolean; extra?: string[] } = {},
): string[] {
  const persistence = options.persistent
    ? ['--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no'];
  const base = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
  return [...base, ...persistence, ...(options.extra ?? [])];
}

/**
 * A Redis that loses its data when stopped, or with `persistent` one that keeps it and has it
 * back when started again.
 */
export function startPrivateRedis(options: { persistent?: boolean } = {}): Promise<PrivateService> {
  return privateService('redis', 'redis-server', (port, dir) => redisArgs(port, dir, options));
}

/** A NATS server with JetStream; what it stores in files (the default) survives a restart. */
export function startPrivateNats(): Promise<PrivateService> {
  return privateService('nats', 'nats-server', (port, dir) => [
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-js',
    '-sd',
    dir,
  ]);
}
