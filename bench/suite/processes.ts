import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const children = new Set<ChildProcess>();
// A failed run must not leave servers or client workers behind.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Forks `file` (next to this module) under tsx; the child is killed when this process exits. */
export function spawn(file: string, args: string[], execArgv: string[] = []): ChildProcess {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), args, {
    execArgv: [...execArgv, '--import', 'tsx'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Resolves on the child's next IPC message whose `type` is `type`; rejects if it exits first. */
export function nextMessage<T extends { type: string }>(
  child: ChildProcess,
  type: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`child exited (${code}) before '${type}'`));
    const onMessage = (message: T) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Stops a child and waits for it to be gone. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  await gone;
}

/** `total` split as evenly as possible over `parts`, without empty parts. */
export function split(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  ).filter((n) => n > 0);
}
