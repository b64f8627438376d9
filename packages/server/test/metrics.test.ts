import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createGateway,
  metricsHandler,
  type BackpressureStrategy,
  type Gateway,
  type GatewayOptions,
} from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { metric, scrape } from './support/prometheus.js';
import { rawWebSocket, sendText } from './support/raw-socket.js';
import { TestClient } from './support/test-client.js';
import { upgradeStatus } from './support/upgrade-status.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

/** A gateway that serves its metrics at /metrics on the port it listens on. */
async function start(setup: (gateway: Gateway) => void, options: GatewayOptions = {}) {
  running = await startGateway(setup, options, (gateway) => [metricsHandler(gateway)]);
}

/** One metric's value (summed over the samples matching `labels`) in a fresh scrape. */
async function read(name: string, labels: Record<string, string> = {}) {
  return metric((await scrape(running.port)).text, name, labels);
}

const chat = { namespace: '/chat' };

describe('/metrics', () => {
  it('serves the Prometheus text format with Herald and process metrics, GET and HEAD only', async () => {
    await start((gw) => gw.namespace('/chat'));
    const { status, type, text } = await scrape(running.port);
    expect(status).toBe(200);
    expect(type).toContain('text/plain; version=0.0.4');
    expect(text).toContain('# TYPE herald_connections_active gauge');
    expect(text).toContain('# TYPE herald_connections_total counter');
    expect(text).toContain('# TYPE herald_handler_duration_seconds histogram');
    expect(metric(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(metric(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    // A query string does not change the path; other methods are refused.
    expect((await scrape(running.port, '/metrics?x=1')).status).toBe(200);
    const post = await fetch(`http://127.0.0.1:${running.port}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('counts connections and messages per namespace, the same on every scrape', async () => {
    await start((gw) => {
      gw.namespace('/chat').on('echo', (payload) => payload);
      gw.namespace('/other');
    });
    expect(await read('herald_connections_active', chat)).toBe(0);
    const client = await TestClient.connect(running.url('/chat'));
    await client.waitFor((f) => f.type === 'system' && f.event === 'connected');
    expect(await client.request({ type: 'event', event: 'echo', payload: 'hi' })).toMatchObject({
      type: 'ack',
      payload: 'hi',
    });
    const { text } = await scrape(running.port);
    expect(metric(text, 'herald_connections_active', chat)).toBe(1);
    expect(metric(text, 'herald_connections_total', chat)).toBe(1);
    expect(metric(text, 'herald_connections_active', { namespace: '/other' })).toBe(0);
    expect(metric(text, 'herald_messages_received_total', chat)).toBe(1);
    // The `connected` notice and the ack.
    expect(metric(text, 'herald_messages_sent_total', chat)).toBe(2);
    // Counters are read at scrape time, not added to again by each scrape.
    expect(metric((await scrape(running.port)).text, 'herald_messages_sent_total', chat)).toBe(2);
    await client.close();
    await expect.poll(() => read('herald_connections_active', chat)).toBe(0);
    expect(await read('herald_connections_total', chat)).toBe(1);
  });

  it('counts refused connections by reason', async () => {
    await start((gw) => gw.namespace('/chat'), { limits: { maxConnections: 1 } });
    expect(await upgradeStatus(running.port, '/nowhere')).toBe(404);
    expect(await upgradeStatus(running.port, '/nowhere')).toBe(404);
    const first = await TestClient.connect(running.url('/chat'));
    // Over the limit: accepted, told why, and closed with 4008.
    const second = await TestClient.connect(running.url('/chat'));
    expect((await second.closed).code).toBe(4008);
    const { text } = await scrape(running.port);
    expect(metric(text, 'herald_connections_refused_total', { reason: 'not_found' })).toBe(2);
    expect(metric(text, 'herald_connections_refused_total', { reason: 'limit' })).toBe(1);
    await first.close();
  });

  it('counts subscriptions, refused subscriptions and error frames by code', async () => {
    await start((gw) => gw.namespace('/chat'));
    const client = await TestClient.connect(running.url('/chat'));
    await client.request({ type: 'subscribe', channel: 'room' });
    await client.request({ type: 'subscribe', channel: 'news' });
    expect(await read('herald_subscriptions_active', chat)).toBe(2);
    await client.request({ type: 'unsubscribe', channel: 'news' });
    expect(await read('herald_subscriptions_active', chat)).toBe(1);

    const reserved = await client.request({ type: 'subscribe', channel: '$secret' });
    expect(reserved).toMatchObject({ type: 'error', code: 'WS_FORBIDDEN' });
    const unknown = await client.request({ type: 'event', event: 'nope' });
    expect(unknown).toMatchObject({ type: 'error', code: 'WS_NOT_FOUND' });
    const { text } = await scrape(running.port);
    const forbidden = { ...chat, code: 'WS_FORBIDDEN' };
    const notFound = { ...chat, code: 'WS_NOT_FOUND' };
    expect(metric(text, 'herald_subscriptions_failed_total', forbidden)).toBe(1);
    expect(metric(text, 'herald_subscriptions_failed_total', notFound)).toBeUndefined();
    expect(metric(text, 'herald_errors_sent_total', forbidden)).toBe(1);
    expect(metric(text, 'herald_errors_sent_total', notFound)).toBe(1);
    expect(metric(text, 'herald_subscriptions_active', chat)).toBe(1);

    await client.close();
    await expect.poll(() => read('herald_subscriptions_active', chat)).toBe(0);
  });

  it('times each handler call by namespace and event, never an event without a handler', async () => {
    await start((gw) => {
      gw.namespace('/chat').on('work', async () => {
        await delay(20);
        return 'done';
      });
    });
    const client = await TestClient.connect(running.url('/chat'));
    for (let i = 0; i < 3; i++) await client.request({ type: 'event', event: 'work' });
    await client.request({ type: 'event', event: 'unknown-name' });
    const { text } = await scrape(running.port);
    const work = { ...chat, event: 'work' };
    expect(metric(text, 'herald_handler_duration_seconds_count', work)).toBe(3);
    expect(metric(text, 'herald_handler_duration_seconds_bucket', { ...work, le: '+Inf' })).toBe(3);
    // Three handlers that each waited 20 ms.
    expect(metric(text, 'herald_handler_duration_seconds_sum', work)).toBeGreaterThan(0.05);
    expect(metric(text, 'herald_handler_duration_seconds_bucket', { ...work, le: '0.01' })).toBe(0);
    expect(
      metric(text, 'herald_handler_duration_seconds_count', { event: 'unknown-name' }),
    ).toBeUndefined();
    await client.close();
  });

  it('counts publications once per node and deliveries once per subscriber', async () => {
    await start((gw) => gw.namespace('/chat'));
    const clients = await Promise.all([1, 2].map(() => TestClient.connect(running.url('/chat'))));
    for (const client of clients) await client.request({ type: 'subscribe', channel: 'room' });
    await running.gateway.publish('room', 'news', 1);
    await running.gateway.publish('room', 'news', 2);
    for (const client of clients) await client.waitForCount((f) => f.event === 'news', 2);
    const { text } = await scrape(running.port);
    expect(metric(text, 'herald_publications_total')).toBe(2);
    expect(metric(text, 'herald_deliveries_total', chat)).toBe(4);
    // Observed once per publication on this node, however many sockets it was written to.
    expect(metric(text, 'herald_publish_to_write_seconds_count')).toBe(2);
    expect(metric(text, 'herald_publish_to_write_seconds_bucket', { le: '+Inf' })).toBe(2);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('reports the memory broker up, with a round trip of 0', async () => {
    await start((gw) => gw.namespace('/chat'));
    const { text } = await scrape(running.port);
    expect(metric(text, 'herald_broker_up')).toBe(1);
    expect(metric(text, 'herald_broker_rtt_seconds')).toBe(0);
  });
});

describe('/metrics under backpressure', () => {
  /** A client that stops reading while publications of 64 KiB keep coming on its channel. */
  async function pausedReader(strategy: BackpressureStrategy) {
    await start((gw) =>
      gw.namespace('/slow', {
        backpressure: { strategy, maxQueueBytes: 256 * 1024, maxQueueMessages: 10_000 },
      }),
    );
    const { socket } = await rawWebSocket(running.port, '/slow');
    sendText(socket, JSON.stringify({ type: 'subscribe', channel: 'firehose', id: 1 }));
    await expect.poll(() => read('herald_subscriptions_active', { namespace: '/slow' })).toBe(1);
    socket.pause();
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 200; i++) {
      await running.gateway.publish('firehose', 'data', { i, chunk });
      await delay(0);
    }
    return socket;
  }

  it('drop: counts dropped deliveries and shows the bytes queued', async () => {
    const socket = await pausedReader('drop');
    const slow = { namespace: '/slow' };
    await expect.poll(() => read('herald_deliveries_dropped_total', slow)).toBeGreaterThan(0);
    const { text } = await scrape(running.port);
    expect(metric(text, 'herald_outbound_queue_bytes', slow)).toBeGreaterThan(0);
    expect(metric(text, 'herald_slow_consumers_total', slow)).toBe(0);
    expect(metric(text, 'herald_deliveries_total', slow)).toBe(200);
    socket.destroy();
  });

  it('disconnect: counts the slow consumer it closed', async () => {
    const socket = await pausedReader('disconnect');
    const slow = { namespace: '/slow' };
    await expect.poll(() => read('herald_slow_consumers_total', slow)).toBe(1);
    expect(await read('herald_deliveries_dropped_total', slow)).toBe(0);
    socket.destroy();
  });
});

describe('metrics options', () => {
  it('renames with `prefix` and leaves the process metrics out with `defaultMetrics: false`', async () => {
    await start((gw) => gw.namespace('/chat'), {
      metrics: { prefix: 'ws_', defaultMetrics: false },
    });
    const { text } = await scrape(running.port);
    expect(metric(text, 'ws_connections_active', chat)).toBe(0);
    expect(text).not.toContain('herald_');
    expect(text).not.toContain('process_');
  });

  it('collects nothing with `enabled: false`', async () => {
    await start((gw) => gw.namespace('/chat').on('echo', (p) => p), {
      metrics: { enabled: false },
    });
    const client = await TestClient.connect(running.url('/chat'));
    await client.request({ type: 'event', event: 'echo', payload: 1 });
    const { status, text } = await scrape(running.port);
    expect(status).toBe(200);
    expect(text.trim()).toBe('');
    // gateway.stats() counts all the same.
    expect(running.gateway.stats().messages.in).toBe(1);
    await client.close();
  });

  it('refuses a prefix that is not a metric name, naming the field', () => {
    expect(() => createGateway({ logLevel: 'silent', metrics: { prefix: 'bad-prefix' } })).toThrow(
      /metrics\.prefix: must be a Prometheus metric name prefix/,
    );
  });
});
