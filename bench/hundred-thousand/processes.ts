import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const children = new Set<ChildProcess>();

/** Kills every process started here, however the run ends. */
export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Starts `script` (beside this file) with tsx and --expose-gc, so its memory reads after a collection. */
export function start(script: string, args: string[]): ChildProcess {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), args, {
    execArgv: ['--expose-gc', '--import', 'tsx'],
  });
  children.add(child);
  child.once('exit', (code, signal) => {
    if (children.delete(child)) {
      console.error(`${script} ${args.join(' ')} exited early (code ${code}, signal ${signal})`);
      killAll();
      process.exit(1);
    }
  });
  return child;
}

/** The next message of `child` that `accept` takes, or a rejection naming `what` after `timeoutMs`. */
export function nextMessage<T extends { type: string }, R extends T>(
  child: ChildProcess,
  accept: (message: T) => message is R,
  what: string,
  timeoutMs: number,
): Promise<R> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`));
    }, timeoutMs);
    const onMessage = (message: T) => {
      if (!accept(message)) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
  });
}
