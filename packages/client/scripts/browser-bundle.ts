import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type BuildResult, type Plugin } from 'esbuild';

const builtins = new Set(builtinModules);
export const browserEntry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
export const browserOutfile = fileURLToPath(
  new URL('../dist/browser/herald-client.js', import.meta.url),
);

/** Fails the build when anything on the browser path imports a Node built-in. */
const noNodeBuiltins: Plugin = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (args.path.startsWith('node:') || builtins.has(name.split('/')[0] ?? '')) {
        return { errors: [{ text: `Node built-in '${args.path}' imported by ${args.importer}` }] };
      }
      return undefined;
    });
  },
};

/**
 * The browser bundle: one ESM file, no Node built-ins. `ws` resolves to its browser stub, which
 * is never called there since browsers have a global WebSocket.
 */
export function buildBrowserBundle(
  write: boolean,
): Promise<BuildResult<{ write: boolean; metafile: true }>> {
  return build({
    entryPoints: [browserEntry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: browserOutfile,
    write,
    metafile: true,
    logLevel: 'silent',
    plugins: [noNodeBuiltins],
  });
}
