import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { killStarted, startServe } from '../../packages/cli/test/support/run-cli.js';
import { startPythonBackend } from './python-backend.js';

const examples = fileURLToPath(new URL('../../examples/proxy/', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const apiKey = 'change-me-api-key';
const stops: (() => void)[] = [];
afterAll(() => {
  killStarted();
  for (const stop of stops) stop();
});

/** A port nothing listens on now: the gateway's, which the backend must know before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the docs/proxy.md recipe', () => {
  it('herald serve fronts the Python backend, which publishes through the server API', async () => {
    // Step 2: the backend, told where the server API is.
    const gatewayPort = await freePort();
    const api = `http://127.0.0.1:${gatewayPort}/api`;
    const backend = await startPythonBackend('backend-secret', {
      HERALD_API: api,
      HERALD_API_KEY: apiKey,
    });
    stops.push(() => backend.process.kill());

    // Step 1: the recipe's config, with the backend's port instead of 8000.
    const config = JSON.parse(await readFile(join(examples, 'herald.config.json'), 'utf8')) as {
      namespaces: Record<string, { proxy: { url: string } }>;
    };
    const namespace = config.namespaces['/chat/:room'];
    expect(namespace?.proxy.url).toBe('http://127.0.0.1:8000/herald');
    namespace!.proxy.url = backend.url;
    const path = join(await mkdtemp(join(tmpdir(), 'herald-recipe-')), 'herald.config.json');
    await writeFile(path, JSON.stringify(config));

    // Step 3: herald serve.
    const serving = await startServe(['--config', path], { WS_PORT: String(gatewayPort) });
    expect(serving.port).toBe(gatewayPort);

    // Step 4: the client script, as the recipe runs it.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(examples, 'client.ts')],
      { cwd: root, env: { ...process.env, HERALD_URL: `http://127.0.0.1:${gatewayPort}` } },
    );
    expect(stdout.trim().split('\n')).toEqual([
      'sum from the backend: 5',
      'announcement: {"text":"hello from the recipe","by":"alice"}',
    ]);

    // Step 5: the server API, as curl calls it.
    const published = await fetch(`${api}/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'room:lobby',
        event: 'announcement',
        payload: { text: 'from curl' },
      }),
    });
    expect(await published.json()).toEqual({ published: true });
  });
});
