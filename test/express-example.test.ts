import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../examples/express.js';
import { TestClient } from '../packages/server/test/support/test-client.js';

let app: ReturnType<typeof createApp>;
afterEach(async () => {
  app.server.close();
  await app.gateway.close();
});

describe('the Express example', () => {
  it('serves HTTP routes and WebSocket upgrades on one port', async () => {
    app = createApp();
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    const { port } = app.server.address() as AddressInfo;
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
});
