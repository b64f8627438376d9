import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, so they need no build first.
    alias: {
      '@herald/protocol/msgpack': fileURLToPath(new URL('./packages/protocol/src/msgpack-codec.ts', import.meta.url)),
      '@herald/protocol': pkg('protocol'),
      '@herald/server': pkg('server'),
      '@herald/client': pkg('client'),
      '@herald/cli': pkg('cli'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
