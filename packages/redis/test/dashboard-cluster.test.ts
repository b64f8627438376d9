import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, createHttpApi, dashboardHandler, type Gateway } from '@herald/server';
import { RedisBroker } from '../src/index.js';
import { useChromium } from '../../../test/support/chromium.js';
import { identityFromQuery } from '../../server/test/support/identity.js';
import { TestClient } from '../../server/test/support/test-client.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `herald-dashboard-${randomUUID()}`;
const apiKey = 'cluster-key';
const screenshots = new URL('../../../.test-artifacts/dashboard/', import.meta.url);

const chromium = useChromium();
let nodes: { gateway: Gateway; port: number }[] = [];
const clients: TestClient[] = [];

beforeAll(() => {
  mkdirSync(screenshots, { recursive: true });
});

afterAll(async () => {
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

afterEach(async () => {
  await chromium.closePages();
  for (const client of clients.splice(0)) client.close();
  await Promise.all(nodes.map(({ gateway }) => gateway.close()));
  nodes = [];
});

/** A node of the cluster: a gateway on Redis serving the API and the dashboard on its own port. */
async function startNode() {
  const gateway = createGateway({ logLevel: 'silent', broker: new RedisBroker({ url, prefix }) });
  gateway.namespace('/ws').onConnect(identityFromQuery);
  const handlers = [createHttpApi(gateway, { apiKey }), dashboardHandler()];
  const { port } = await gateway.listen(0, '127.0.0.1', { handlers });
  return { gateway, port };
}

async function connect(port: number, user: string) {
  const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws?user=${user}`);
  clients.push(client);
  const { payload } = await client.waitFor((f) => f.type === 'system' && f.event === 'connected');
  return { client, id: (payload as { connectionId: string }).connectionId };
}

describe('dashboard of a two-node cluster on Redis, in Chromium', () => {
  it('lists both nodes, sums their connections, and finds and kicks a user on the other node', async () => {
    nodes = [await startNode(), await startNode()];
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const here = await connect(a.port, 'ann');
    const there = await connect(b.port, 'ann');
    await connect(b.port, 'bob');

    const page = await chromium.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://127.0.0.1:${a.port}/dashboard`);
    await page.fill('#key-form [name=key]', apiKey);
    await page.click('#key-form button');
    await expect.poll(() => page.locator('#node-count').textContent()).toBe('2');
    expect(await page.locator('#active').textContent()).toBe('3');
    const perNode = await page
      .locator('#nodes tr[data-node]')
      .evaluateAll((rows) => rows.map((row) => row.querySelectorAll('td')[3]?.textContent).sort());
    expect(perNode).toEqual(['1', '2']);

    await page.fill('#user-form [name=user]', 'ann');
    await page.click('#user-form button');
    await expect.poll(() => page.locator('#connections tr[data-connection]').count()).toBe(2);
    await page.screenshot({
      path: new URL('cluster-1280.png', screenshots).pathname,
      fullPage: true,
    });
    await page.locator(`#connections tr[data-connection="${there.id}"] button.kick`).click();
    expect((await there.client.closed).code).toBe(4011);
    await expect.poll(() => page.locator('#connections tr[data-connection]').count()).toBe(1);
    expect(await page.locator(`#connections tr[data-connection="${here.id}"]`).count()).toBe(1);
    await expect.poll(() => page.locator('#active').textContent()).toBe('2');
  });
});
