import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Step } from './emitter-process.js';

const script = fileURLToPath(new URL('./emitter-process.ts', import.meta.url));

export type Answer =
  | { ok: true; result: unknown }
  | {
      ok: false;
      name: string;
      message: string;
      code?: string;
      details?: { path: string; message: string }[];
    };

/** An emitter in a Node process of its own (see emitter-process.ts), driven one step at a time. */
export class EmitterChild {
  private readonly answers: Answer[] = [];
  private readonly waiting: ((answer: Answer) => void)[] = [];
  private readonly exited: Promise<number | null>;
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const answer = JSON.parse(line) as Answer;
      const waiter = this.waiting.shift();
      if (waiter) waiter(answer);
      else this.answers.push(answer);
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(setup: { url: string; prefix: string; instance?: boolean }): EmitterChild {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(setup)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new EmitterChild(child);
  }

  /** Sends one step and resolves with the emitter's answer to it. */
  run(step: Step): Promise<Answer> {
    this.child.stdin.write(`${JSON.stringify(step)}\n`);
    const ready = this.answers.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      void this.exited.then(() => reject(new Error(`the emitter process exited: ${this.stderr}`)));
    });
  }

  /** Ends its input: the process closes the emitter and exits; resolves with its exit code. */
  end(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
