import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../examples/express.js';
import { TestClient } from '../packages/server/test/support/test-client.js';

let app: ReturnType<typeof createApp> | undefined;
afterEach(async () => {
  app?.server.close();
  await app?.gateway.close();
  app = undefined;
});

describe('the Express example', () => {
  it('serves HTTP routes and WebSocket upgrades on one port', async () => {
    const { server } = (app = createApp());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/notifications/ada`);
    await new Promise((r) => setTimeout(r, 20));
    const res = await fetch(`http://127.0.0.1:${port}/notify/ada`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'build finished' }),
    });
    expect(res.status).toBe(202);
    expect((await client.waitFor((f) => f.event === 'notification')).payload).toEqual({
      text: 'build finished',
    });
    const bad = await fetch(`http://127.0.0.1:${port}/notify/ada`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
  });

  it('runs as a script and logs the port it really listens on', async () => {
    const script = fileURLToPath(new URL('../examples/express.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve) =>
        createInterface({ input: child.stdout }).once('line', resolve),
      );
      const port = Number(/^Express \+ Herald on :(\d+)$/.exec(line)?.[1]);
      expect(port).toBeGreaterThan(0);
      const client = await TestClient.connect(`ws://127.0.0.1:${port}/notifications/ada`);
      client.close();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
