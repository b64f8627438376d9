import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { defineConfig, type Plugin } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));
const pkg = (name: string) => src(`${name}/src/index.ts`);

/**
 * Vite's TypeScript transform keeps standard (TC39) decorators as written, which Node cannot run
 * yet; esbuild lowers them, as tsc and tsx do for users.
 */
const standardDecorators: Plugin = {
  name: 'standard-decorators',
  enforce: 'pre',
  async transform(code, id) {
    if (!id.endsWith('.ts') || !/^\s*@[A-Za-z]/m.test(code)) return undefined;
    const lowered = await transform(code, {
      loader: 'ts',
      target: 'es2022',
      sourcefile: id,
      sourcemap: true,
      tsconfigRaw: {
        compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true },
      },
    });
    return { code: lowered.code, map: lowered.map };
  },
};

export default defineConfig({
  plugins: [standardDecorators],
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
