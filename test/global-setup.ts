import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Tests that spawn the CLI or an emitter process, or serve built bundles, need an up-to-date build. */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(
    process.execPath,
    [
      `${root}node_modules/typescript/bin/tsc`,
      '-b',
      ...['protocol', 'server', 'client', 'emitter', 'cli', 'demo'].map((p) => `packages/${p}`),
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}
