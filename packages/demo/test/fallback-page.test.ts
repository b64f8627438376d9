import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../src/index.js';
import { useChromium } from '../../../test/support/chromium.js';
import { UpgradeBlockingProxy } from '../../../test/support/upgrade-blocking-proxy.js';

const chromium = useChromium();
let demo: DemoServer;
let proxy: UpgradeBlockingProxy;
let proxyPort: number;

beforeEach(async () => {
  demo = await startDemo(0, '127.0.0.1', { logLevel: 'silent' });
  proxy = new UpgradeBlockingProxy(demo.port);
  proxyPort = await proxy.listen();
});

afterEach(async () => {
  await chromium.closePages();
  await proxy.close();
  await demo.close();
});

async function openChat(name: string, port: number): Promise<Page> {
  const page = await chromium.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.fill('#name', name);
  await page.fill('#room', 'general');
  await page.click('#connect');
  await expect
    .poll(() => page.locator('#log').textContent())
    .toContain(`You joined general as ${name}`);
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill('#send input', text);
  await page.click('#send button');
}

const texts = (page: Page) => page.locator('#log li.message .text').allTextContents();
const streams = () => proxy.requests.filter((r) => /^GET \/chat\/.*transport=sse/.test(r));

describe('demo chat behind a proxy that refuses WebSocket upgrades', () => {
  it('works over server-sent events', async () => {
    proxy.blockUpgrades();
    const alice = await openChat('Alice', proxyPort);
    const bob = await openChat('Bob', proxyPort);
    expect(streams()).toHaveLength(2);
    await say(alice, 'hello over SSE');
    await expect.poll(() => texts(bob)).toEqual(['hello over SSE']);
    await say(bob, 'and back');
    await expect.poll(() => texts(alice)).toEqual(['hello over SSE', 'and back']);
    expect(await alice.locator('#status').textContent()).toBe('connected');
  });

  it('recovers a room across a change from WebSocket to SSE, with no gap or duplicate', async () => {
    const alice = await openChat('Alice', proxyPort);
    const bob = await openChat('Bob', demo.port);
    expect(streams()).toHaveLength(0);
    await say(bob, 'before');
    await expect.poll(() => texts(alice)).toEqual(['before']);

    // Alice's WebSocket is cut and cannot come back: she falls back while Bob goes on talking.
    proxy.blockUpgrades();
    for (const text of ['one', 'two', 'three']) await say(bob, text);
    await expect.poll(() => streams().length, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => alice.locator('#status').textContent()).toBe('connected');
    await say(bob, 'after');
    await expect.poll(() => texts(alice)).toEqual(['before', 'one', 'two', 'three', 'after']);
    await say(alice, 'alice over SSE');
    await expect.poll(() => texts(bob)).toContain('alice over SSE');
  });
});
