import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));
const pkg = (name: string) => src(`${name}/src/index.ts`);

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, so they need no build first.
    alias: {
      // Subpath exports first: an alias also matches what starts with its key and a slash.
      '@herald/protocol/msgpack': src('protocol/src/msgpack-codec.ts'),
      '@herald/client/msgpack': src('client/src/msgpack.ts'),
      '@herald/client/node': src('client/src/node.ts'),
      '@herald/protocol': pkg('protocol'),
      '@herald/server': pkg('server'),
      '@herald/client': pkg('client'),
      '@herald/nats': pkg('nats'),
      '@herald/cli': pkg('cli'),
      '@herald/redis': pkg('redis'),
      '@herald/emitter': pkg('emitter'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
