import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createGateway } from '@herald/server';
import { loadServeConfig } from '../src/config.js';
import { ServeConfigError } from '../src/errors.js';

// The config file loader under generated files: text that is not JSON, JSON of every shape, and
// objects shaped like a config file with values of every kind. Each is loaded, or refused with
// a ServeConfigError naming the file; what loads makes a gateway or a ConfigError naming the field.

const configLike = fc.record(
  {
    host: fc.oneof(fc.string(), fc.jsonValue()),
    port: fc.oneof(fc.integer({ min: -10, max: 70_000 }), fc.jsonValue()),
    broker: fc.oneof(
      fc.record(
        {
          type: fc.oneof(fc.constantFrom('memory', 'redis', 'nats', 'kafka'), fc.jsonValue()),
          url: fc.oneof(fc.string(), fc.jsonValue()),
          sentinels: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.jsonValue()),
          cluster: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.jsonValue()),
          minReplicas: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    ),
    gateway: fc.oneof(
      fc.record(
        {
          limits: fc.jsonValue(),
          channels: fc.jsonValue(),
          auth: fc.jsonValue(),
          rateLimit: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    ),
    namespaces: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
    api: fc.jsonValue(),
    dashboard: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe('the config file loader under generated files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-config-fuzz-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads a file or refuses it naming the file, and what loads configures a gateway or names the field', async () => {
    const path = join(dir, 'herald.config.json');
    const content = fc.oneof(
      configLike.map((value) => JSON.stringify(value)),
      fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
      fc.string({ maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(content, async (text) => {
        await writeFile(path, text);
        let config;
        try {
          config = await loadServeConfig(path, {});
        } catch (error) {
          expect(error).toBeInstanceOf(ServeConfigError);
          expect((error as Error).message).toMatch(/herald\.config\.json/);
          return;
        }
        try {
          const gateway = createGateway({ ...config.gateway, logLevel: 'silent' });
          for (const [pattern, options] of Object.entries(config.namespaces)) {
            gateway.namespace(pattern, options);
          }
          await gateway.close();
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
