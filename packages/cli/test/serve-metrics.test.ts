import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { metric, scrape } from '../../server/test/support/prometheus.js';
import { TestClient } from '../../server/test/support/test-client.js';
import { configFile } from './support/config-file.js';
import { killStarted, runCli, startServe } from './support/run-cli.js';

afterEach(killStarted);

describe('herald serve metrics', () => {
  it('serves /metrics and the health checks by default', async () => {
    const { port } = await startServe([]);
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
    await client.request({ type: 'subscribe', channel: 'news' });
    const { status, text } = await scrape(port);
    expect(status).toBe(200);
    expect(metric(text, 'herald_connections_active', { namespace: '/ws' })).toBe(1);
    expect(metric(text, 'herald_subscriptions_active', { namespace: '/ws' })).toBe(1);
    expect(metric(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect((await scrape(port, '/health/live')).status).toBe(200);
    expect((await scrape(port, '/health/ready')).status).toBe(200);
    await client.close();
  });

  it('serves them at the configured path, or not at all with enabled: false', async () => {
    const moved = await startServe([
      '--config',
      await configFile({ metrics: { path: '/internal/metrics' } }),
    ]);
    expect((await scrape(moved.port, '/internal/metrics')).status).toBe(200);
    expect((await scrape(moved.port, '/metrics')).status).toBe(426);
    const off = await startServe(['--config', await configFile({ metrics: { enabled: false } })]);
    expect((await scrape(off.port, '/metrics')).status).toBe(426);
  });

  it('refuses a bad metrics key with exit 2, naming the field', async () => {
    const dir = dirname(await configFile({ metrics: { path: 'metrics', enable: true } }));
    const result = await runCli(['serve', '--config', 'herald.config.json'], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'herald: herald.config.json: metrics.path: must be a path starting with /',
      'herald: herald.config.json: metrics.enable: unknown key (known keys: enabled, path)',
    ]);
  });
});
