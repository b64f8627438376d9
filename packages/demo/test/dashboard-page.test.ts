import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoOptions, type DemoServer } from '../src/index.js';
import { useChromium } from '../../../test/support/chromium.js';
import { joinedClient, sendMessage } from './support/chat-client.js';

const chromium = useChromium();
let demo: DemoServer | undefined;

afterEach(async () => {
  await chromium.closePages();
  await demo?.close();
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
  const client = await joinedClient(demo.port, 'general');
  const page = await chromium.newPage();
  await prepare(page);
  await page.goto(`http://127.0.0.1:${demo.port}/dashboard`);
  return { client, page };
}

describe('dashboard page against the demo chat in Chromium', () => {
  it('shows a chat room: who is present, by name, and its recent messages', async () => {
    const { client, page } = await dashboardWithClient();
    const named = await joinedClient(demo!.port, 'general', 'Ada');
    await sendMessage(named, 'general', 'hi all');
    await expect.poll(() => page.locator('#active').textContent()).toBe('2');
    await expect
      .poll(() => page.locator('#channels').textContent())
      .toContain('chat:lobby:general–2');
    await page.click('#channels button');
    await expect
      .poll(() => page.locator('#presence-stats').textContent())
      .toContain('2 connections');
    expect(await page.locator('#presence tr').count()).toBe(2);
    expect(await page.locator('#presence').textContent()).toContain('{"name":"Ada"}');
    await expect.poll(() => page.locator('#history tr').count()).toBe(1);
    expect(await page.locator('#history').textContent()).toContain('"text":"hi all"');
    client.close();
    named.close();
  });

  it('publishes to a room from the form: the chat client gets it', async () => {
    const { client, page } = await dashboardWithClient();
    await expect
      .poll(() => page.locator('#channels').textContent())
      .toContain('chat:lobby:general');
    // Picking the channel fills the publish form's channel.
    await page.click('#channels button');
    expect(await page.inputValue('#publish-form [name=channel]')).toBe('chat:lobby:general');
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
    const { page } = await dashboardWithClient({ apiKey: 'demo-key' });
    await expect
      .poll(() => page.locator('#key-message').textContent())
      .toBe('This API needs a key.');
    expect(await page.locator('#nodes').isVisible()).toBe(false);
    await page.fill('#key-form [name=key]', 'demo-key');
    await page.click('#key-form button');
    await expect.poll(() => page.locator('#active').textContent()).toBe('1');
    expect(await page.locator('#key-panel').isVisible()).toBe(false);
  });
});
