import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

let cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function started(child: ChildProcess): ChildProcess {
  cleanup.push(() => void child.kill('SIGKILL'));
  return child;
}

/** Runs the built demo to its end with these variables; for start-ups that must fail. */
function runDemo(env: Record<string, string>) {
  const child = started(
    spawn(process.execPath, [main], {
      env: { ...process.env, WS_HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stderr })),
  );
}

/** Holds `port` on 127.0.0.1; resolves false when something else already holds it. */
async function hold(port: number): Promise<{ port: number; held: boolean }> {
  const server: Server = createServer();
  const held = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (held) cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: held ? (server.address() as { port: number }).port : port, held };
}

describe('the demo start-up', () => {
  it('refuses a bad WS_PORT in one line naming it, with exit 2', async () => {
    expect(await runDemo({ WS_PORT: 'abc' })).toEqual({
      code: 2,
      stderr: 'herald demo: WS_PORT=abc: must be a port number (0 to 65535)\n',
    });
  });

  it('says which port is taken, with exit 4', async () => {
    const { port } = await hold(0);
    expect(await runDemo({ WS_PORT: String(port) })).toEqual({
      code: 4,
      stderr: `herald demo: cannot listen on 127.0.0.1:${port}: the port is already in use\n`,
    });
  });

  it('says when WS_HOST is not an address of this machine, with exit 4', async () => {
    // 192.0.2.1 is reserved for documentation (RFC 5737): never a local address.
    const result = await runDemo({ WS_HOST: '192.0.2.1', WS_PORT: '0' });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^herald demo: cannot listen on 192\.0\.2\.1:0: .+\n$/);
  });

  it('takes an empty WS_PORT as unset: the default port 8080', async () => {
    // 8080 is taken (by this test, or already by someone else): the demo must try it and say so.
    await hold(8080);
    expect(await runDemo({ WS_PORT: '' })).toEqual({
      code: 4,
      stderr: 'herald demo: cannot listen on 127.0.0.1:8080: the port is already in use\n',
    });
  });

  it('leaves no process behind when `npm start` gets SIGTERM', { timeout: 120_000 }, async () => {
    const npm = started(
      spawn('npm', ['start'], {
        cwd: root,
        env: { ...process.env, WS_PORT: '0', WS_HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
    // The demo's first log line carries its pid and port.
    const { pid, port } = await new Promise<{ pid: number; port: number }>((resolve) => {
      createInterface({ input: npm.stdout! }).on('line', (line) => {
        const found = /"pid":(\d+).*Herald demo chat on http:\/\/localhost:(\d+)\//.exec(line);
        if (found) resolve({ pid: Number(found[1]), port: Number(found[2]) });
      });
    });
    cleanup.push(() => void (isRunning(pid) && process.kill(pid, 'SIGKILL')));
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);

    npm.kill('SIGTERM');
    await exited;
    expect(isRunning(pid)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
