import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../server/test/support/test-client.js';
import { startDemo, type DemoOptions, type DemoServer } from '../src/index.js';
import { launchChromium } from '../../../test/support/chromium.js';

let browser: Browser;
let demo: DemoServer | undefined;
let page: Page | undefined;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(() => browser?.close());

afterEach(async () => {
  await page?.close();
  await demo?.close();
  page = undefined;
  demo = undefined;
});

/**
 * The demo with a chat client in room `general` of chat `lobby`, and the dashboard open;
 * `prepare` runs on the page before it loads.
 */
async function dashboardWithClient(
  options: DemoOptions = {},
  prepare: (page: Page) => Promise<void> = async () => {},
) {
  demo = await startDemo(0, '127.0.0.1', { logLevel: 'silent' }, options);
  const client = await TestClient.connect(`ws://127.0.0.1:${demo.port}/chat/lobby`);
  await client.request({ type: 'event', event: 'room.join', payload: { room: 'general' } });
  const [connection] = await demo.gateway.fetchConnections();
  page = await browser.newPage();
  await prepare(page);
  await page.goto(`http://127.0.0.1:${demo.port}/dashboard`);
  return { client, id: connection?.id ?? '', page };
}

describe('dashboard page in Chromium', () => {
  it('shows a connection and its channel, publishes from the form, and kicks with 4011', async () => {
    const { client, id, page } = await dashboardWithClient();
    const row = page.locator(`#connections tr[data-connection="${id}"]`);
    await expect.poll(() => row.textContent()).toContain('chat:lobby:general');
    expect(await row.textContent()).toContain('/chat/:chat');
    await expect.poll(() => page.locator('#active').textContent()).toBe('1');
    await expect
      .poll(() => page.locator('#channels').textContent())
      .toContain('chat:lobby:general1');

    // Picking the channel fills the publish form's channel.
    await page.click('#channels button');
    expect(await page.inputValue('#publish-form [name=channel]')).toBe('chat:lobby:general');
    await page.fill('#publish-form [name=event]', 'message.receive');
    await page.fill(
      '#publish-form [name=payload]',
      '{"from": "ops", "text": "from the dashboard"}',
    );
    await page.click('#publish-form button');
    const received = await client.waitFor((f) => f.event === 'message.receive');
    expect(received).toMatchObject({
      channel: 'chat:lobby:general',
      payload: { from: 'ops', text: 'from the dashboard' },
    });
    await expect.poll(() => page.locator('#publish-result').textContent()).toContain('published');

    await row.locator('button.kick').click();
    expect((await client.closed).code).toBe(4011);
    await expect.poll(() => page.locator('#connections').textContent()).toContain('no connections');
  });

  it('names the bad field when the payload is refused', async () => {
    const { page } = await dashboardWithClient();
    await page.fill('#publish-form [name=channel]', '$internal');
    await page.click('#publish-form button');
    await expect
      .poll(() => page.locator('#publish-result').textContent())
      .toContain('invalid request: channel');
  });

  it('asks for the API key when the API has one, then shows the gateway', async () => {
    const { id, page } = await dashboardWithClient({ apiKey: 'demo-key' });
    await expect.poll(() => page.locator('#key-panel').isVisible()).toBe(true);
    expect(await page.locator('#connections').textContent()).not.toContain(id);
    await page.fill('#key-form [name=key]', 'demo-key');
    await page.click('#key-form button');
    await expect.poll(() => page.locator('#connections').textContent()).toContain(id);
    expect(await page.locator('#key-panel').isVisible()).toBe(false);
  });
});

describe('dashboard page against the demo chat in Chromium', () => {
  it('counts as present every subscriber of a chat room, with its name', async () => {
    const { page } = await dashboardWithClient();
    const named = await TestClient.connect(`ws://127.0.0.1:${demo!.port}/chat/lobby`);
    await named.request({
      type: 'event',
      event: 'room.join',
      payload: { room: 'general', name: 'Ada' },
    });
    await expect
      .poll(() => page.locator('#channels').textContent())
      .toContain('chat:lobby:general2');
    await page.click('#channels button');
    await expect
      .poll(() => page.locator('#presence-stats').textContent())
      .toContain('2 connections');
    expect(await page.locator('#presence tr').count()).toBe(2);
    expect(await page.locator('#presence').textContent()).toContain('{"name":"Ada"}');
  });

  it('says when the key is wrong and stops asking the API until another is entered', async () => {
    // The page's clock is driven by the test, and its API calls are counted as they are made.
    const { id, page } = await dashboardWithClient({ apiKey: 'demo-key' }, async (page) => {
      await page.clock.install();
      await page.addInitScript(() => {
        const counted = { calls: 0 };
        const fetchApi = window.fetch.bind(window);
        Object.assign(window, { counted });
        window.fetch = (input, init) => {
          counted.calls += 1;
          return fetchApi(input, init);
        };
      });
    });
    const apiCalls = () =>
      page.evaluate(() => (window as unknown as { counted: { calls: number } }).counted.calls);
    await expect
      .poll(() => page.locator('#key-message').textContent())
      .toBe('This API needs a key.');
    await page.fill('#key-form [name=key]', 'not-the-key');
    await page.click('#key-form button');
    await expect
      .poll(() => page.locator('#key-message').textContent())
      .toBe('Wrong API key: the API refused it. Enter the right key.');
    expect(await page.locator('#key-message').getAttribute('class')).toBe('message error');
    expect(await page.locator('#status').textContent()).toBe('wrong API key: updates paused');
    const afterRefusal = await apiCalls();
    await page.clock.runFor(10_000); // ten polling periods
    expect(await apiCalls()).toBe(afterRefusal);

    await page.fill('#key-form [name=key]', 'demo-key');
    await page.click('#key-form button');
    await expect.poll(() => page.locator('#connections').textContent()).toContain(id);
    // Polling runs again.
    await expect
      .poll(async () => {
        await page.clock.runFor(1_000);
        return apiCalls();
      })
      .toBeGreaterThan(afterRefusal + 3);
  });
});
