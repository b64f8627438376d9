import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../src/index.js';
import { useChromium } from '../../../test/support/chromium.js';
import { joinedClient, sendMessage } from './support/chat-client.js';

const chromium = useChromium();
let demo: DemoServer;

beforeEach(async () => {
  demo = await startDemo(0, '127.0.0.1', { logLevel: 'silent' });
});

afterEach(async () => {
  await chromium.closePages();
  await demo.close();
});

/** Opens the chat, picks `name` (and `room`) and waits until the page has joined. */
async function openChat(name: string, room = 'general', page?: Page): Promise<Page> {
  page ??= await chromium.newPage();
  if (!page.url().startsWith('http')) await page.goto(`http://127.0.0.1:${demo.port}/`);
  await page.fill('#name', name);
  await page.fill('#room', room);
  await page.click('#connect');
  await expect
    .poll(() => page.locator('#log').textContent())
    .toContain(`You joined ${room} as ${name}`);
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill('#send input', text);
  await page.click('#send button');
}

const messages = (page: Page) => page.locator('#log li.message');

describe('demo chat page in Chromium', () => {
  it('shows the picked name and the time to others, and styles own messages apart', async () => {
    const before = Date.now();
    const alice = await openChat('Alice');
    const bob = await openChat('Bob');
    await say(alice, 'hello from alice');
    await expect.poll(() => messages(bob).count()).toBe(1);

    const onBob = messages(bob).first();
    expect(await onBob.locator('.author').textContent()).toBe('Alice');
    expect(await onBob.locator('.text').textContent()).toBe('hello from alice');
    expect(await onBob.getAttribute('class')).toBe('message other');
    const sent = Date.parse((await onBob.locator('time').getAttribute('datetime')) ?? '');
    expect(sent).toBeGreaterThanOrEqual(before);
    expect(sent).toBeLessThanOrEqual(Date.now());
    expect(await onBob.locator('time').textContent()).toMatch(/\d{1,2}:\d{2}/);

    await expect.poll(() => messages(alice).count()).toBe(1);
    const onAlice = messages(alice).first();
    expect(await onAlice.getAttribute('class')).toBe('message own');
    const background = (item: typeof onAlice) =>
      item.evaluate((node) => getComputedStyle(node).backgroundColor);
    expect(await background(onAlice)).not.toBe(await background(onBob));
    // Own messages sit on the right, others' on the left.
    const [aliceBox, bobBox, logBox] = await Promise.all([
      onAlice.boundingBox(),
      onBob.boundingBox(),
      bob.locator('#log').boundingBox(),
    ]);
    expect(aliceBox!.x).toBeGreaterThan(logBox!.width / 2);
    expect(bobBox!.x).toBeLessThan(logBox!.width / 2);
    expect(await bob.locator('#status').textContent()).toBe('connected');
  });

  it('keeps the name in localStorage for the next visit', async () => {
    const page = await openChat('Carol');
    await page.reload();
    expect(await page.inputValue('#name')).toBe('Carol');
    await expect.poll(() => page.locator('#log').textContent()).toContain('as Carol');
  });

  it("shows the server's reason when it refuses a name or a room", async () => {
    const page = await chromium.newPage();
    await page.goto(`http://127.0.0.1:${demo.port}/`);
    await page.fill('#name', '\u202Eevil');
    await page.click('#connect');
    await expect
      .poll(() => page.locator('#log .error').textContent())
      .toContain('name must not contain control characters');
    expect(await page.locator('#status').textContent()).toBe('not joined');

    await page.fill('#name', 'Dave');
    await page.fill('#room', 'no$pace here');
    await page.click('#connect');
    await expect
      .poll(() => page.locator('#log .error').textContent())
      .toBe(
        'Cannot join no$pace here: invalid payload: payload.room — room must have no spaces or colons and not start with $',
      );
    expect(await page.isDisabled('#send input')).toBe(true);
  });

  it('sends no whitespace-only message and says why', async () => {
    const page = await chromium.newPage();
    const sent: string[] = [];
    page.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        if (String(payload).includes('"message.send"')) sent.push(String(payload));
      }),
    );
    await openChat('Erin', 'general', page);
    await say(page, ' \t  ');
    await expect.poll(() => page.locator('#hint').textContent()).toContain('spaces alone');
    await say(page, 'real words');
    await expect.poll(() => messages(page).count()).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('real words');
    expect(await page.locator('#hint').textContent()).toBe('');
  });

  it('wraps a long word inside its bubble', async () => {
    const page = await openChat('Frank');
    await say(page, 'x'.repeat(400));
    await expect.poll(() => messages(page).count()).toBe(1);
    const overflow = await page.evaluate(() => {
      const log = document.querySelector('#log') as HTMLElement;
      return {
        page: document.documentElement.scrollWidth - window.innerWidth,
        log: log.scrollWidth - log.clientWidth,
      };
    });
    expect(overflow).toEqual({ page: 0, log: 0 });
  });

  it('shows a rounded reconnect delay and the attempt', async () => {
    const page = await openChat('Grace');
    await page.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { statuses: seen });
      const status = document.querySelector('#status') as HTMLElement;
      new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, {
        childList: true,
      });
    });
    const [connection] = await demo.gateway.fetchConnections();
    await demo.gateway.disconnect({ connection: connection!.id }, 4009); // slow consumer: back off
    const statuses = () =>
      page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    await expect.poll(statuses).toContain('connected');
    const reconnecting = (await statuses()).filter((s) => s.startsWith('reconnecting'));
    expect(reconnecting).toHaveLength(1);
    expect(reconnecting[0]).toMatch(/^reconnecting in \d+\.\d s \(attempt 1\)$/);
    // The page joined again, without showing the room twice.
    await say(page, 'back again');
    await expect.poll(() => messages(page).count()).toBe(1);
    expect(await page.locator('#log li.system').count()).toBe(1);
  });

  it("clears the log when switching rooms and shows the new room's history", async () => {
    const page = await openChat('Heidi');
    await say(page, 'said in general');
    await expect.poll(() => messages(page).count()).toBe(1);
    const other = await joinedClient(demo.port, 'random', 'Ivan');
    await sendMessage(other, 'random', 'said earlier in random');
    await other.close();

    await openChat('Heidi', 'random', page);
    const log = await page.locator('#log li').allTextContents();
    expect(log.join('\n')).not.toContain('said in general');
    expect(log).toHaveLength(2);
    expect(log[0]).toContain('Ivan');
    expect(log[0]).toContain('said earlier in random');
    expect(log[1]).toBe('You joined random as Heidi');
    expect(await messages(page).first().getAttribute('class')).toBe('message other');
  });

  it('renders what the dashboard publishes, and unknown shapes as JSON', async () => {
    const chat = await openChat('Judy');
    const dashboard = await chromium.newPage();
    await dashboard.goto(`http://127.0.0.1:${demo.port}/dashboard`);
    await dashboard.click('#channels button');
    await dashboard.click('#publish-form button'); // the form's default event and payload
    await expect.poll(() => messages(chat).count()).toBe(1);
    expect(await messages(chat).first().locator('.author').textContent()).toBe('dashboard');
    expect(await messages(chat).first().locator('.text').textContent()).toBe('hello');

    await dashboard.fill('#publish-form [name=payload]', '{"text": 42, "extra": ["<b>x</b>"]}');
    await dashboard.click('#publish-form button');
    await expect.poll(() => messages(chat).count()).toBe(2);
    const raw = messages(chat).nth(1);
    expect(await raw.getAttribute('class')).toBe('message other raw');
    expect(await raw.locator('.author').textContent()).toBe('message.receive');
    expect(await raw.locator('.text').textContent()).toBe('{"text":42,"extra":["<b>x</b>"]}');
    expect(await chat.locator('#log').textContent()).not.toContain('undefined');
  });

  it('loads the chat and the dashboard without a failed request, their icons included', async () => {
    const page = await chromium.newPage();
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    page.on('requestfailed', (request) => failed.push(`failed ${request.url()}`));
    // Headless Chromium asks for no icon; a browser asks for the declared one, else /favicon.ico.
    // Loaded as an image, as a browser does (the dashboard's CSP lets it fetch nothing but its API).
    const icon = () =>
      page.evaluate(async () => {
        const link = document.querySelector<HTMLLinkElement>('link[rel~=icon]');
        const image = new Image();
        image.src = link?.href ?? '/favicon.ico';
        return image.decode().then(
          () => 'loaded',
          () => 'failed',
        );
      });
    await openChat('Ken', 'general', page);
    expect(await icon()).toBe('loaded');
    await page.goto(`http://127.0.0.1:${demo.port}/dashboard`);
    await expect.poll(() => page.locator('#active').textContent()).not.toBe('–');
    expect(await icon()).toBe('loaded');
    expect(failed).toEqual([]);
  });
});
