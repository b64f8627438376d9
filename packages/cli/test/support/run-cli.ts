import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const started = new Set<ChildProcess>();

/** Kills what a test left running; for `afterEach`. */
export function killStarted(): void {
  for (const child of started) child.kill('SIGKILL');
  started.clear();
}

/** `herald <args>` on an ephemeral loopback port unless `env` says otherwise. */
export function spawnCli(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
  stdin: 'ignore' | 'pipe' = 'ignore',
): ChildProcess & { stdout: NonNullable<ChildProcess['stdout']> } {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, WS_PORT: '0', WS_HOST: '127.0.0.1', ...env },
    stdio: [stdin, 'pipe', 'pipe'],
    cwd,
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child as ChildProcess & { stdout: NonNullable<ChildProcess['stdout']> };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `herald <args>` to its end, for commands that fail or print and exit; `input` is its stdin. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
  input?: string,
): Promise<Finished> {
  const child = spawnCli(args, env, cwd, input === undefined ? 'ignore' : 'pipe');
  child.stdin?.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

export interface Serving {
  port: number;
  process: ChildProcess;
  /** The log records written so far (JSON lines on stdout). */
  logs: { msg: string; [field: string]: unknown }[];
}

/** Starts `herald serve <args>` (in `cwd`) and resolves once it listens. */
export function startServe(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Promise<Serving> {
  const proc = spawnCli(['serve', ...args], env, cwd);
  const logs: Serving['logs'] = [];
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`herald serve exited with ${code}`)));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const record = JSON.parse(line) as Serving['logs'][number];
      logs.push(record);
      // `serving …` follows `Herald listening`, which has the port.
      const listening = logs.find((log) => log.msg === 'Herald listening');
      if (record.msg.startsWith('serving ') && listening)
        resolve({ port: listening.port as number, process: proc, logs });
    });
  });
}
