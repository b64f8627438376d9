import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../server/test/support/test-client.js';
import {
  startPrivateNats,
  startPrivateRedis,
  type PrivateService,
} from '../../../test/support/private-services.js';
import { configFile } from './support/config-file.js';
import { killStarted, runCli, startServe } from './support/run-cli.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  killStarted();
  for (const step of cleanup) await step();
  cleanup = [];
});

/** A broker server that ran and is now stopped: its URL is a broker that is down. */
async function stopped(start: () => Promise<PrivateService>): Promise<PrivateService> {
  const service = await start();
  cleanup.push(() => service.dispose());
  await service.stop();
  return service;
}

describe('herald serve', () => {
  it('serves the configured namespace and shuts down gracefully on SIGTERM with exit 0', async () => {
    const config = await configFile({
      namespaces: { '/connection/:app': { maxMessageSize: 4096 } },
    });
    const { port, process: proc } = await startServe(['--config', config]);
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/connection/demo`);
    expect((await client.request({ type: 'subscribe', channel: 'news' })).type).toBe('ack');
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    expect((await client.closed).code).toBe(1001);
    expect(client.frames.at(-1)).toMatchObject({ type: 'system', event: 'shutdown' });
    expect(await exited).toBe(0);
  });

  it('names the namespaces it serves, and where, in its start-up log', async () => {
    const config = await configFile({ namespaces: { '/chat/:room': {}, '/ws': {} } });
    const { port, logs } = await startServe(['--config', config]);
    expect(logs.at(-1)).toMatchObject({
      msg: `serving /chat/:room, /ws on http://127.0.0.1:${port}`,
      namespaces: ['/chat/:room', '/ws'],
      broker: 'memory',
    });
  });

  it("applies the file's namespaceDefaults under each namespace's own options", async () => {
    const config = await configFile({
      gateway: { namespaceDefaults: { maxMessageSize: 512 } },
      namespaces: { '/small': {}, '/large': { maxMessageSize: 4096 } },
    });
    const { port } = await startServe(['--config', config]);
    const big = { type: 'event', event: 'echo', payload: 'x'.repeat(1_000) };
    const large = await TestClient.connect(`ws://127.0.0.1:${port}/large`);
    large.send(big);
    const small = await TestClient.connect(`ws://127.0.0.1:${port}/small`);
    small.send(big);
    expect((await small.closed).code).toBe(1009);
    expect(await large.request({ type: 'subscribe', channel: 'news' })).toMatchObject({
      type: 'ack',
    });
  });

  it('reads WS_PATH and refuses a bad option naming it', async () => {
    const { port } = await startServe([], { WS_PATH: '/live', WS_PING_INTERVAL: '5' });
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/live`);
    client.send({ type: 'ping' });
    expect(await client.waitFor((f) => f.type === 'pong')).toEqual({ type: 'pong' });

    const bad = await runCli(['serve'], { WS_MAX_MESSAGE_SIZE: 'lots' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('herald: WS_MAX_MESSAGE_SIZE=lots: must be an integer of at least 1\n');
  });

  it('runs on the broker WS_BROKER names and refuses an unknown one', async () => {
    const { port } = await startServe([], {
      WS_BROKER: 'redis',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    });
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
      status: string;
    };
    expect(health).toMatchObject({ status: 'ok', broker: { status: 'ok' } });

    const bad = await runCli(['serve'], { WS_BROKER: 'kafka' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('herald: WS_BROKER=kafka: must be one of memory, redis, nats\n');
  });

  it('exits 3 naming the broker and its URL when the broker is down', async () => {
    const redis = await stopped(startPrivateRedis);
    const fromEnv = await runCli(['serve'], { WS_BROKER: 'redis', REDIS_URL: redis.url });
    expect(fromEnv.code).toBe(3);
    expect(fromEnv.stderr).toMatch(
      new RegExp(`^herald: cannot reach the redis broker at ${redis.url} \\(REDIS_URL\\): .+\\n$`),
    );

    const nats = await stopped(startPrivateNats);
    const config = await configFile({ broker: { type: 'nats', url: nats.url } });
    const fromFile = await runCli(['serve', '--config', config], { NATS_URL: '' });
    expect(fromFile.code).toBe(3);
    expect(fromFile.stderr).toMatch(
      new RegExp(
        `^herald: cannot reach the nats broker at ${nats.url} \\(${config}: broker.url\\): .+\\n$`,
      ),
    );
  });

  it('never shows a broker password', async () => {
    const redis = await stopped(startPrivateRedis);
    const url = redis.url.replace('//', '//herald:s3cret@');
    const result = await runCli(['serve'], { WS_BROKER: 'redis', REDIS_URL: url });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`redis://herald:***@127.0.0.1:${redis.port}`);
    expect(result.stderr).not.toContain('s3cret');
  });

  it("exits 4 naming the address when the port is taken or not this machine's", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => taken.close(() => resolve())));
    const { port } = taken.address() as { port: number };
    const result = await runCli(['serve', '--port', String(port)]);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      `herald: cannot listen on 127.0.0.1:${port}: the port is already in use\n`,
    );

    // 192.0.2.1 is reserved for documentation (RFC 5737): never a local address.
    const elsewhere = await runCli(['serve', '--host', '192.0.2.1']);
    expect(elsewhere.code).toBe(4);
    expect(elsewhere.stderr).toBe(
      'herald: cannot listen on 192.0.2.1:0: the address does not belong to this machine\n',
    );
  });

  it('serves the HTTP API and the dashboard with HERALD_API_KEY, and says why not without', async () => {
    const config = await configFile({ api: { path: '/admin' }, dashboard: { path: '/ui' } });
    const { port, logs } = await startServe(['--config', config], { HERALD_API_KEY: 'k3y' });
    expect(logs.map((log) => log.msg)).toContain('HTTP API at /admin');
    const stats = await fetch(`http://127.0.0.1:${port}/admin/stats`, {
      headers: { Authorization: 'Bearer k3y' },
    });
    expect(stats.status).toBe(200);
    expect(await stats.json()).toMatchObject({ health: { status: 'ok' } });
    const refused = await fetch(`http://127.0.0.1:${port}/admin/stats`);
    expect(await refused.json()).toMatchObject({ code: 'WS_AUTH_REQUIRED' });
    const page = await fetch(`http://127.0.0.1:${port}/ui`);
    expect(await page.text()).toContain('<meta name="herald-api" content="/admin" />');

    const bare = await startServe([], { HERALD_API_KEY: '' });
    expect(bare.logs.map((log) => log.msg)).toContain(
      'HTTP API and dashboard not served: set HERALD_API_KEY, api.key or api.jwt',
    );
    expect((await fetch(`http://127.0.0.1:${bare.port}/api/stats`)).status).toBe(426);
  });

  it('refuses an unknown key in the api section naming it', async () => {
    const config = await configFile({ api: { kee: 'x' } });
    const result = await runCli(['serve', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `herald: ${config}: api.kee: unknown key (known keys: key, path, jwt)\n`,
    );
  });
});
