import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/controllers/', import.meta.url));

/** The folder of the controller fixtures, one small module per case. */
export const fixtureDir = fixtures;

/** The text of a fixture of test/fixtures/controllers. */
export function fixture(name: string): Promise<string> {
  return readFile(join(fixtures, name), 'utf8');
}

/** A fixture compiled to JavaScript as a build would (standard decorators lowered). */
export async function compiledFixture(name: string): Promise<string> {
  const { code } = await transform(await fixture(name), {
    loader: 'ts',
    format: 'esm',
    target: 'es2022',
  });
  return code;
}

/**
 * An ES module project (`"type": "module"`, as @herald/server is) in a new temporary folder
 * holding `files` (path → text), with `@herald/server` and `zod` installed (linked to this
 * repository's); `typescript` only when asked for.
 */
export async function project(
  files: Record<string, string>,
  options: { typescript?: boolean } = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-project-'));
  const links: Record<string, string> = {
    '@herald/server': join(repo, 'packages/server'),
    zod: join(repo, 'node_modules/zod'),
    ...(options.typescript && { typescript: join(repo, 'node_modules/typescript') }),
  };
  for (const [name, target] of Object.entries(links)) {
    const link = join(dir, 'node_modules', name);
    await mkdir(dirname(link), { recursive: true });
    await symlink(target, link, 'dir');
  }
  const all = { 'package.json': JSON.stringify({ type: 'module' }), ...files };
  for (const [path, text] of Object.entries(all)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** A JSON file of the project, parsed. */
export async function readJson(dir: string, path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(dir, path), 'utf8')) as Record<string, unknown>;
}
