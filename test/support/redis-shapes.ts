import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { privateService, redisArgs, sparePort, type PrivateService } from './private-services.js';

const run = promisify(execFile);

/** Redis in production shapes, on private ports: a Redis Cluster, or a master with Sentinels. */

export interface RedisClusterShape {
  masters: PrivateService[];
  seeds: { host: string; port: number }[];
  dispose(): Promise<void>;
}

export interface SentinelShape {
  master: PrivateService;
  replicas: PrivateService[];
  sentinels: PrivateService[];
  addresses: { host: string; port: number }[];
  masterName: string;
  /** The port of the master the Sentinels name now. */
  currentMaster(): Promise<number>;
  dispose(): Promise<void>;
}

/** A port whose cluster bus port (port + 10000) is free as well. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await sparePort();
    if (port + 10_000 > 65_535) continue;
    const bus = createServer();
    const free = await new Promise<boolean>((resolve) => {
      bus.once('error', () => resolve(false));
      bus.listen(port + 10_000, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => bus.close(resolve));
      return port;
    }
  }
}

/** Polls `check` every 100 ms until it holds; fails after `timeout` ms. */
async function eventually(check: () => Promise<boolean>, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('the Redis shape did not come up in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args]);
  return stdout;
}

/** `count` masters, no replicas, their slots spread evenly, ready when every node says so. */
export async function startRedisCluster(count = 3): Promise<RedisClusterShape> {
  const masters: PrivateService[] = [];
  for (let i = 0; i < count; i++) {
    masters.push(
      await privateService(
        'redis',
        'redis-server',
        (port, dir) =>
          redisArgs(port, dir, {
            extra: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
          }),
        await clusterPort(),
      ),
    );
  }
  const addresses = masters.map((m) => `127.0.0.1:${m.port}`);
  await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-yes']);
  for (const master of masters) {
    const ok = async () => (await cli(master.port, 'cluster', 'info')).includes('cluster_state:ok');
    await eventually(ok, 20_000);
  }
  return {
    masters,
    seeds: masters.map((m) => ({ host: '127.0.0.1', port: m.port })),
    dispose: async () => void (await Promise.all(masters.map((m) => m.dispose()))),
  };
}

/**
 * A master, `replicas` replicas of it and three Sentinels that fail over one second after the
 * master stops answering.
 */
export async function startSentinels(replicaCount = 2): Promise<SentinelShape> {
  const masterName = 'herald-test';
  const master = await privateService('redis', 'redis-server', (port, dir) => redisArgs(port, dir));
  const replicas: PrivateService[] = [];
  for (let i = 0; i < replicaCount; i++) {
    replicas.push(
      await privateService('redis', 'redis-server', (port, dir) =>
        redisArgs(port, dir, { extra: ['--replicaof', '127.0.0.1', String(master.port)] }),
      ),
    );
  }
  const sentinels: PrivateService[] = [];
  for (let i = 0; i < 3; i++) {
    const sentinel = await privateService('redis', 'redis-server', (port, dir) => {
      // Sentinels rewrite their configuration file: each gets its own, in its own folder.
      const file = join(dir, 'sentinel.conf');
      writeFileSync(file, sentinelConfig(port, masterName, master.port));
      return [file, '--sentinel'];
    });
    sentinels.push(sentinel);
  }
  const currentMaster = async () => {
    const reply = await cli(sentinels[0]!.port, 'sentinel', 'get-master-addr-by-name', masterName);
    return Number(reply.trim().split('\n')[1]);
  };
  // Ready once every replica is in sync.
  const synced = async () =>
    (await cli(master.port, 'info', 'replication')).split('state=online').length - 1 ===
    replicaCount;
  await eventually(synced, 20_000);
  return {
    master,
    replicas,
    sentinels,
    addresses: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    masterName,
    currentMaster,
    dispose: async () =>
      void (await Promise.all([master, ...replicas, ...sentinels].map((s) => s.dispose()))),
  };
}

function sentinelConfig(port: number, masterName: string, masterPort: number): string {
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 2`,
    `sentinel down-after-milliseconds ${masterName} 1000`,
    `sentinel failover-timeout ${masterName} 5000`,
    `sentinel parallel-syncs ${masterName} 2`,
    '',
  ].join('\n');
}
