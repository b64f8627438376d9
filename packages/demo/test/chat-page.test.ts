import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../src/index.js';
import { launchChromium } from '../../../test/support/chromium.js';

let demo: DemoServer;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo(0, '127.0.0.1', { logLevel: 'silent' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

describe('demo chat page in Chromium', () => {
  it('shows a message sent from one page on the other', async () => {
    const url = `http://127.0.0.1:${demo.port}/`;
    const [alice, bob] = await Promise.all([browser.newPage(), browser.newPage()]);
    await Promise.all([alice.goto(url), bob.goto(url)]);
    for (const page of [alice, bob]) {
      await expect.poll(() => page.locator('#log').textContent()).toContain('joined general');
    }
    await alice.fill('#send input', 'hello from alice');
    await alice.click('#send button');
    await expect
      .poll(() => bob.locator('#log').textContent(), { timeout: 10_000 })
      .toContain('hello from alice');
    await expect.poll(() => alice.locator('#log').textContent()).toContain('hello from alice');
    expect(await bob.locator('#status').textContent()).toBe('connected');
  });
});
