import { describe, expect, it } from 'vitest';
import { loadServeConfig } from '../src/config.js';
import { configFile } from './support/config-file.js';

describe('herald serve reaches Redis through Sentinels or a Redis Cluster', () => {
  it('reads Sentinels, their master and minReplicas from the file, with the variables over it', async () => {
    const path = await configFile({
      broker: {
        type: 'redis',
        sentinels: ['10.0.0.1:26379', '[::1]:26380'],
        masterName: 'main',
        minReplicas: 1,
      },
    });
    expect((await loadServeConfig(path, {})).broker.redis).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      masterName: 'main',
      minReplicas: 1,
    });
    const env = { REDIS_SENTINEL_MASTER: 'other', REDIS_MIN_REPLICAS: '2' };
    expect((await loadServeConfig(path, env)).broker.redis).toMatchObject({
      masterName: 'other',
      minReplicas: 2,
    });
  });

  it('reads a Redis Cluster from REDIS_CLUSTER, and nothing for another broker', async () => {
    const env = { WS_BROKER: 'redis', REDIS_CLUSTER: 'a:7000,b:7001' };
    expect((await loadServeConfig(undefined, env)).broker.redis).toEqual({
      cluster: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
    });
    const nats = await loadServeConfig(undefined, { ...env, WS_BROKER: 'nats' });
    expect(nats.broker.redis).toBeUndefined();
  });
});
