import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../server/test/support/test-client.js';
import { useChromium } from '../../../test/support/chromium.js';
import { configFile } from './support/config-file.js';
import { killStarted, startServe } from './support/run-cli.js';

const chromium = useChromium();
const clients: TestClient[] = [];

afterEach(async () => {
  await chromium.closePages();
  for (const client of clients.splice(0)) client.close();
  killStarted();
});

describe('herald serve with HERALD_API_KEY: the dashboard in Chromium', () => {
  it('serves the dashboard, which charts the node and its connections once given the key', async () => {
    const { port, logs } = await startServe([], { HERALD_API_KEY: 'serve-key' });
    expect(logs.map((log) => log.msg)).toContain('dashboard at /dashboard');
    for (let i = 0; i < 2; i += 1)
      clients.push(await TestClient.connect(`ws://127.0.0.1:${port}/ws`));

    const page = await chromium.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://127.0.0.1:${port}/dashboard`);
    await page.fill('#key-form [name=key]', 'not-the-key');
    await page.click('#key-form button');
    await expect
      .poll(() => page.locator('#key-message').textContent())
      .toBe('Wrong API key: the API refused it. Enter the right key.');

    await page.fill('#key-form [name=key]', 'serve-key');
    await page.click('#key-form button');
    await expect.poll(() => page.locator('#active').textContent()).toBe('2');
    expect(await page.locator('#nodes tr[data-node]').count()).toBe(1);
    expect(await page.locator('#nodes tr[data-node] td').nth(6).textContent()).toBe('ok');
    await expect
      .poll(() => page.locator('#connections-chart').getAttribute('data-points'))
      .toMatch(/^([2-9]|\d\d+)$/);
    expect(await page.locator('#messages-chart canvas').count()).toBe(1);
  });

  it('serves the API but not the page with dashboard.enabled false', async () => {
    const config = await configFile({ dashboard: { enabled: false } });
    const { port, logs } = await startServe(['--config', config], { HERALD_API_KEY: 'serve-key' });
    const notes = logs.map((log) => log.msg);
    expect(notes).toContain('HTTP API at /api');
    expect(notes).not.toContain('dashboard at /dashboard');
    // Not served: the gateway's own answer for plain HTTP.
    expect((await fetch(`http://127.0.0.1:${port}/dashboard`)).status).toBe(426);
    const info = await fetch(`http://127.0.0.1:${port}/api/info`, {
      headers: { Authorization: 'Bearer serve-key' },
    });
    expect(info.status).toBe(200);
  });
});
