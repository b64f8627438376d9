import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Starts the Python backend (examples/proxy/backend.py, standard library only) on a free port, checking
 * `secret` in X-Herald-Secret, with `env` added to its environment; resolves with the process and the URL to give the proxy.
 */
export async function startPythonBackend(
  secret: string,
  env: Record<string, string> = {},
): Promise<{ process: ChildProcess; url: string }> {
  const script = fileURLToPath(new URL('../../examples/proxy/backend.py', import.meta.url));
  const child = spawn('python3', [script, '0', secret], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`backend.py exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(Number(line)));
  });
  return { process: child, url: `http://127.0.0.1:${port}/herald` };
}
