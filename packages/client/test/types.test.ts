import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
const project = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

async function typecheck(tsconfig: string): Promise<{ code: number; output: string }> {
  return run(process.execPath, [tsc, '--noEmit', '-p', project(tsconfig)]).then(
    () => ({ code: 0, output: '' }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );
}

// tsc exits 0 only if every `@ts-expect-error` line in types/ really is an error.
it('rejects wrong event names, payloads and replies at compile time', async () => {
  expect(await typecheck('./types/tsconfig.json')).toEqual({ code: 0, output: '' });
}, 60_000);

it('type-checks the tests and build scripts themselves', async () => {
  expect(await typecheck('./tsconfig.json')).toEqual({ code: 0, output: '' });
}, 60_000);
