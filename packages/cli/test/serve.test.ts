import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../server/test/support/test-client.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

function startServe(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ port: number; process: ChildProcess }> {
  const proc = spawn(process.execPath, [bin, 'serve', ...args], {
    env: { ...process.env, WS_PORT: '0', WS_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`herald serve exited with ${code}`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const record = JSON.parse(line) as { msg: string; port?: number };
      if (record.msg === 'Herald listening' && record.port)
        resolve({ port: record.port, process: proc });
    });
  });
}

describe('herald serve', () => {
  it('serves the configured namespace and shuts down gracefully on SIGTERM with exit 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-'));
    const config = join(dir, 'herald.config.json');
    await writeFile(
      config,
      JSON.stringify({ namespaces: { '/connection/:app': { maxMessageSize: 4096 } } }),
    );
    const { port, process: proc } = await startServe(['--config', config]);
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/connection/demo`);
    expect((await client.request({ type: 'subscribe', channel: 'news' })).type).toBe('ack');
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    expect((await client.closed).code).toBe(1001);
    expect(client.frames.at(-1)).toMatchObject({ type: 'system', event: 'shutdown' });
    expect(await exited).toBe(0);
  });

  it('reads WS_PATH and refuses a bad option naming it', async () => {
    const { port } = await startServe([], { WS_PATH: '/live', WS_PING_INTERVAL: '5' });
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/live`);
    client.send({ type: 'ping' });
    expect(await client.waitFor((f) => f.type === 'pong')).toEqual({ type: 'pong' });

    const bad = spawn(process.execPath, [bin, 'serve'], {
      env: { ...process.env, WS_PORT: '0', WS_MAX_MESSAGE_SIZE: 'lots' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    bad.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => bad.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('WS_MAX_MESSAGE_SIZE');
  });

  it('runs on the broker WS_BROKER names and refuses an unknown one', async () => {
    const { port } = await startServe([], {
      WS_BROKER: 'redis',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    });
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
      status: string;
    };
    expect(health).toMatchObject({ status: 'ok', broker: { status: 'ok' } });

    const bad = spawn(process.execPath, [bin, 'serve'], {
      env: { ...process.env, WS_PORT: '0', WS_BROKER: 'kafka' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    bad.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await new Promise((resolve) => bad.once('exit', resolve))).toBe(2);
    expect(stderr).toContain('WS_BROKER');
  });
});
