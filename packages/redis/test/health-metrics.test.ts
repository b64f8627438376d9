import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createGateway, metricsHandler, type Gateway, type MetricsOptions } from '@herald/server';
import { RedisBroker } from '../src/index.js';
import { startPrivateRedis, type PrivateService } from '../../../test/support/private-services.js';
import { metric, scrape } from '../../server/test/support/prometheus.js';

const gateways: Gateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

/** A gateway on Redis at `url` serving /metrics; resolves with its port. */
async function start(
  url: string,
  readyRequiresBroker: boolean,
  metrics: MetricsOptions = {},
): Promise<number> {
  const gateway = createGateway({
    logLevel: 'silent',
    broker: new RedisBroker({ url, prefix: `metrics-${randomUUID().slice(0, 8)}` }),
    health: { readyRequiresBroker },
    metrics,
  });
  gateway.namespace('/chat');
  gateways.push(gateway);
  const { port } = await gateway.listen(0, '127.0.0.1', { handlers: [metricsHandler(gateway)] });
  return port;
}

const status = async (port: number, path: string) =>
  (await fetch(`http://127.0.0.1:${port}${path}`)).status;

describe('broker metrics with Redis', () => {
  it('reports Redis up with the round-trip time of a PING', async () => {
    const port = await start('redis://127.0.0.1:6379', false);
    const { text } = await scrape(port);
    expect(metric(text, 'herald_broker_up')).toBe(1);
    const rtt = metric(text, 'herald_broker_rtt_seconds') ?? 0;
    expect(rtt).toBeGreaterThan(0);
    expect(rtt).toBeLessThan(1); // seconds, not milliseconds
  });
});

describe('when Redis goes away or answers late', () => {
  let redis: PrivateService;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(() => redis.dispose());

  it('reports the broker down, and ready 503 only where readiness requires the broker', async () => {
    const strict = await start(redis.url, true);
    const lenient = await start(redis.url, false);
    expect(await status(strict, '/health/ready')).toBe(200);
    expect(metric((await scrape(strict)).text, 'herald_broker_up')).toBe(1);

    await redis.stop();
    await expect.poll(() => status(strict, '/health/ready')).toBe(503);
    const report = await (await fetch(`http://127.0.0.1:${strict}/health/ready`)).json();
    expect(report).toMatchObject({
      status: 'unavailable',
      components: { broker: { status: 'degraded', required: true }, shutdown: { status: 'ok' } },
    });
    expect(await status(strict, '/health/live')).toBe(200);
    expect(await status(lenient, '/health/ready')).toBe(200);
    const { text } = await scrape(strict);
    expect(metric(text, 'herald_broker_up')).toBe(0);
    // No answer, no round-trip time.
    expect(metric(text, 'herald_broker_rtt_seconds')).toBeNaN();

    await redis.start();
    await expect.poll(() => status(strict, '/health/ready'), { timeout: 10_000 }).toBe(200);
    expect(metric((await scrape(strict)).text, 'herald_broker_up')).toBe(1);
  });

  it('waits for a late PING up to brokerPingTimeout, and reports the broker down past it', async () => {
    const patient = await start(redis.url, false, { brokerPingTimeout: 10_000 });
    const hasty = await start(redis.url, false, { brokerPingTimeout: 50 });
    const pauser = new Redis(redis.url);
    try {
      // Redis holds every client's commands, PING included, for 1.5 s: connected but late.
      await pauser.call('CLIENT', 'PAUSE', '1500', 'ALL');
      const [late, given] = await Promise.all([scrape(patient), scrape(hasty)]);
      expect(metric(late.text, 'herald_broker_up')).toBe(1);
      expect(metric(late.text, 'herald_broker_rtt_seconds')).toBeGreaterThan(0);
      expect(metric(given.text, 'herald_broker_up')).toBe(0);
      expect(metric(given.text, 'herald_broker_rtt_seconds')).toBeNaN();
    } finally {
      pauser.disconnect();
    }
  });
});
