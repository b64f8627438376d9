import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NodeCommand } from './cluster-node.js';

type CommandInput = NodeCommand extends infer C
  ? C extends NodeCommand
    ? Omit<C, 'id'>
    : never
  : never;

/** A gateway process of a test cluster, with a typed IPC call to drive it. */
export class ClusterNode {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >();

  private constructor(
    readonly process: ChildProcess,
    readonly port: number,
  ) {
    process.on('message', (message: { id?: number; result?: unknown; error?: string }) => {
      const waiter = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id as number);
      if (message.error) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
  }

  static async start(env: Record<string, string>): Promise<ClusterNode> {
    const child = fork(fileURLToPath(new URL('./cluster-node.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`cluster node exited with ${code}`)));
      child.on(
        'message',
        (m: { ready?: boolean; port?: number }) => m.ready && resolve(m.port as number),
      );
    });
    return new ClusterNode(child, port);
  }

  call(command: CommandInput): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.process.send({ ...command, id });
    });
  }

  url(token: string): string {
    return `ws://127.0.0.1:${this.port}/ws?token=${token}`;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null)
      return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill(signal);
    return exited;
  }
}
