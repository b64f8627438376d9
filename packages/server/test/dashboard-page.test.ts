import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, createHttpApi, dashboardHandler, type Gateway } from '../src/index.js';
import { useChromium } from '../../../test/support/chromium.js';
import { identityFromQuery } from './support/identity.js';
import { TestClient } from './support/test-client.js';

const apiKey = 'ops-key';
const screenshots = new URL('../../../.test-artifacts/dashboard/', import.meta.url);

const chromium = useChromium();
let running: { gateway: Gateway; base: string; apiRequests: () => number } | undefined;
const clients: TestClient[] = [];

beforeAll(() => {
  mkdirSync(screenshots, { recursive: true });
});

afterEach(async () => {
  await chromium.closePages();
  for (const client of clients.splice(0)) client.close();
  await running?.gateway.close();
  running = undefined;
});

/**
 * A gateway serving the API (with a key) and the dashboard on its own port, as an application
 * embeds them; it counts the API requests it gets.
 */
async function startGateway() {
  const gateway = createGateway({
    logLevel: 'silent',
    channels: {
      policies: {
        'room:*': { presence: true, publish: 'subscribers', history: { size: 100 } },
      },
    },
  });
  gateway
    .namespace('/ws')
    .onConnect(identityFromQuery)
    .on('whoami', (_payload, connection) => connection.id);
  let apiRequests = 0;
  const countApi = (req: { url?: string }) => {
    if (req.url?.startsWith('/api/')) apiRequests += 1;
    return false;
  };
  const handlers = [countApi, createHttpApi(gateway, { apiKey }), dashboardHandler()];
  const { port } = await gateway.listen(0, '127.0.0.1', { handlers });
  running = { gateway, base: `http://127.0.0.1:${port}`, apiRequests: () => apiRequests };
  return running;
}

/** A WebSocket client of user `user`, with its connection id. */
async function connect(user: string) {
  const client = await TestClient.connect(
    `${running!.base.replace('http', 'ws')}/ws?user=${encodeURIComponent(user)}`,
  );
  clients.push(client);
  const id = (await client.request({ type: 'event', event: 'whoami' })).payload as string;
  return { client, id };
}

/** The dashboard in a 1280×800 window, the key entered in its form as an operator would. */
async function openDashboard(
  key = apiKey,
  prepare: (page: Page) => Promise<void> = async () => {},
) {
  const page = await chromium.newPage({ viewport: { width: 1280, height: 800 } });
  await prepare(page);
  const failures: string[] = [];
  page.on('pageerror', (error) => failures.push(error.message));
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) failures.push(message.text());
  });
  // API refusals are the page's to show; a file of the page that is missing is a failure.
  page.on('response', (response) => {
    if (response.status() >= 400 && !new URL(response.url()).pathname.startsWith('/api/')) {
      failures.push(`${response.status()} ${response.url()}`);
    }
  });
  await page.goto(`${running!.base}/dashboard`);
  await expect.poll(() => page.locator('#key-panel').isVisible()).toBe(true);
  await page.fill('#key-form [name=key]', key);
  await page.click('#key-form button');
  return { page, failures };
}

/** Whether the chart's canvas has pixels of `rgb` (its series' stroke), i.e. a line was drawn. */
function drawnInColor(page: Page, chart: string, rgb: [number, number, number]) {
  return page.evaluate(
    ([selector, [r, g, b]]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`${selector} canvas`)!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < data.length; i += 4) {
        const near = (a: number, b: number) => Math.abs(a - b) < 40;
        if (
          data[i + 3]! > 200 &&
          near(data[i]!, r) &&
          near(data[i + 1]!, g) &&
          near(data[i + 2]!, b)
        ) {
          return true;
        }
      }
      return false;
    },
    [chart, rgb] as const,
  );
}

describe('dashboard in Chromium, embedded with createHttpApi and dashboardHandler', () => {
  it('charts connections and message rates, and lists the node, from polling /info', async () => {
    await startGateway();
    const ann = await connect('ann');
    await connect('bob');
    await ann.client.request({ type: 'subscribe', channel: 'room:1' });
    const { page, failures } = await openDashboard();

    await expect.poll(() => page.locator('#active').textContent()).toBe('2');
    // A few polls later both charts draw several samples.
    for (const chart of ['#connections-chart', '#messages-chart']) {
      await expect
        .poll(() => page.locator(chart).getAttribute('data-points'), { timeout: 10_000 })
        .toMatch(/^([3-9]|\d\d+)$/);
      expect(await page.locator(`${chart} canvas`).count()).toBe(1);
    }
    expect(await drawnInColor(page, '#connections-chart', [0x1d, 0x4e, 0xd8])).toBe(true);
    expect(await page.locator('#rate-in').textContent()).toMatch(/^\d+\.\d$/);
    expect(await page.locator('#rate-out').textContent()).toMatch(/^\d+\.\d$/);

    const info = (await (
      await fetch(`${running!.base}/api/info`, { headers: { Authorization: `Bearer ${apiKey}` } })
    ).json()) as { nodes: { node: string }[] };
    expect(info.nodes).toHaveLength(1);
    const node = page.locator(`#nodes tr[data-node="${info.nodes[0]!.node}"]`);
    expect(await node.count()).toBe(1);
    const cells = await node.locator('td').allTextContents();
    expect(cells[3]).toBe('2'); // connections
    expect(cells[6]).toBe('ok'); // health
    expect(await page.locator('#node-count').textContent()).toBe('1');
    expect(failures).toEqual([]);
    await page.screenshot({
      path: new URL('charts-1280.png', screenshots).pathname,
      fullPage: true,
    });
  });

  it("shows a channel's presence and recent history, picked from the list or typed", async () => {
    await startGateway();
    const ann = await connect('ann');
    const bob = await connect('bob');
    for (const { client } of [ann, bob]) {
      await client.request({ type: 'subscribe', channel: 'room:1' });
    }
    for (const text of ['one', 'two', '<img src=x onerror="document.title=1">']) {
      await ann.client.request({
        type: 'publish',
        channel: 'room:1',
        event: 'said',
        payload: { text },
      });
    }
    const { page, failures } = await openDashboard();

    await page.locator('#channels button', { hasText: 'room:1' }).click();
    await expect
      .poll(() => page.locator('#presence-stats').textContent())
      .toBe('2 connections, 2 users in room:1');
    const present = await page.locator('#presence tr').allTextContents();
    expect(present.sort()).toEqual([`${ann.id}ann–`, `${bob.id}bob–`].sort());

    await expect.poll(() => page.locator('#history tr').count()).toBe(3);
    const history = await page.locator('#history tr').allTextContents();
    // Newest first; the markup in a payload is shown as text, not made into an element.
    expect(history[0]).toContain('said{"text":"<img src=x onerror=\\"document.title=1\\">"}');
    expect(history[2]).toContain('said{"text":"one"}');
    expect(await page.locator('#history img').count()).toBe(0);
    expect(await page.title()).toBe('Herald dashboard');
    await page.screenshot({
      path: new URL('channel-1280.png', screenshots).pathname,
      fullPage: true,
    });

    // A channel typed in: subscribed by nobody, it keeps no history (no policy gives it one).
    await page.fill('#channel-form [name=channel]', 'lobby');
    await page.click('#channel-form button');
    await expect
      .poll(() => page.locator('#history-stats').textContent())
      .toBe('lobby keeps no history');
    expect(failures).toEqual([]);
  });

  it("finds a user's connections on every node and kicks one with 4011", async () => {
    await startGateway();
    const first = await connect('ann');
    const second = await connect('ann');
    const bob = await connect('bob');
    await first.client.request({ type: 'subscribe', channel: 'room:1' });
    const { page } = await openDashboard();
    // Before a search, the table holds one notice across all its columns.
    await expect
      .poll(() => page.locator('#connections td.empty').getAttribute('colspan'))
      .toBe('6');

    await page.fill('#user-form [name=user]', 'ann');
    await page.click('#user-form button');
    await expect.poll(() => page.locator('#connections tr[data-connection]').count()).toBe(2);
    expect(await page.locator('#user-stats').textContent()).toBe('2 connections of ann');
    const row = page.locator(`#connections tr[data-connection="${first.id}"]`);
    expect(await row.textContent()).toContain('room:1');
    expect(await page.locator(`#connections tr[data-connection="${bob.id}"]`).count()).toBe(0);

    await row.locator('button.kick').click();
    expect((await first.client.closed).code).toBe(4011);
    await expect.poll(() => page.locator('#connections tr[data-connection]').count()).toBe(1);
    expect(await page.locator(`#connections tr[data-connection="${second.id}"]`).count()).toBe(1);
  });

  it('publishes from the form to a subscribed client', async () => {
    await startGateway();
    const { client } = await connect('ann');
    await client.request({ type: 'subscribe', channel: 'room:1' });
    const { page } = await openDashboard();

    await page.locator('#channels button', { hasText: 'room:1' }).click();
    expect(await page.inputValue('#publish-form [name=channel]')).toBe('room:1');
    await page.fill('#publish-form [name=event]', 'notice');
    await page.fill('#publish-form [name=payload]', '{"text": "from the dashboard"}');
    await page.click('#publish-form button');
    const received = await client.waitFor((frame) => frame.event === 'notice');
    expect(received).toMatchObject({ channel: 'room:1', payload: { text: 'from the dashboard' } });
    await expect
      .poll(() => page.locator('#publish-result').textContent())
      .toBe('published to room:1');
  });

  it('says when the key is wrong and stops asking the API until another is entered', async () => {
    await startGateway();
    // The page's timers are driven by the test, so that "ten polling periods" is exact.
    const { page } = await openDashboard('not-the-key', (page) => page.clock.install());
    await expect
      .poll(() => page.locator('#key-message').textContent())
      .toBe('Wrong API key: the API refused it. Enter the right key.');
    expect(await page.locator('#key-message').getAttribute('class')).toBe('message error');
    expect(await page.locator('#status').textContent()).toBe('wrong API key: updates paused');
    expect(await page.locator('#nodes').isVisible()).toBe(false);
    const afterRefusal = running!.apiRequests();
    await page.clock.runFor(10_000);
    expect(running!.apiRequests()).toBe(afterRefusal);
    await page.screenshot({ path: new URL('wrong-key-1280.png', screenshots).pathname });

    await page.fill('#key-form [name=key]', apiKey);
    await page.click('#key-form button');
    await expect.poll(() => page.locator('#node-count').textContent()).toBe('1');
    await expect
      .poll(async () => {
        await page.clock.runFor(1_000);
        return running!.apiRequests();
      })
      .toBeGreaterThan(afterRefusal + 6);
  });

  it('stays readable in a narrow window', async () => {
    await startGateway();
    const { client } = await connect('ann');
    await client.request({ type: 'subscribe', channel: 'room:1' });
    const { page } = await openDashboard();
    await page.setViewportSize({ width: 420, height: 900 });
    await page.locator('#channels button', { hasText: 'room:1' }).click();
    await expect
      .poll(() => page.locator('#connections-chart').getAttribute('data-points'))
      .toMatch(/^([2-9]|\d\d+)$/);
    // Nothing is wider than the window: no sideways scrolling of the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      420,
    );
    const chart = await page.locator('#connections-chart canvas').boundingBox();
    expect(chart!.width).toBeLessThanOrEqual(420);
    await page.screenshot({
      path: new URL('narrow-420.png', screenshots).pathname,
      fullPage: true,
    });
  });
});
