import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest } from '@herald/server';
import { controllers } from './fixtures/codegen/controllers.js';
import { runCli } from './support/run-cli.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-codegen-errors-'));
  const { manifest } = buildManifest({ controllers, module: './controllers.ts' });
  await writeFile(join(dir, 'herald.manifest.json'), JSON.stringify(manifest));
  await writeFile(join(dir, 'not-json.json'), '{ "version": 1,');
  await writeFile(join(dir, 'v2.json'), JSON.stringify({ ...manifest, version: 2 }));
  const [first] = manifest.namespaces;
  const broken = { ...manifest, namespaces: [{ ...first, path: 'chat', evnts: [] }] };
  await writeFile(join(dir, 'broken.json'), JSON.stringify(broken));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const herald = (args: string[]) => runCli(args, {}, dir);

describe('code generation refuses bad input with exit 2 and a message naming it', () => {
  it('refuses a --lang other than ts', async () => {
    expect(await herald(['gen-client', '--lang', 'py', '--out', 'client.py'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'herald: --lang: "py" is not supported (supported: ts)\n',
    });
  });

  it('needs --lang and --out', async () => {
    const run = await herald(['gen-client', '--out', 'c.ts']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("required option '--lang <lang>' not specified");
  });

  it.each([
    [
      'missing.json',
      'missing.json: no such file (write it with `herald compile`, or name it with --manifest)',
    ],
    ['not-json.json', expect.stringMatching(/^not-json\.json: not valid JSON: /)],
    [
      'v2.json',
      'v2.json: manifest version 2 is not supported (this herald reads version 1); run `herald compile` again',
    ],
    [
      'broken.json',
      [
        'broken.json: namespaces[0].path: Invalid string: must start with "/"',
        'broken.json: namespaces[0].evnts: unknown key (known keys: controller, export, path, params, options, inject, guards, connect, disconnect, events, channels, emits)',
      ].join('\nherald: '),
    ],
  ])('refuses the manifest %s', async (file, message) => {
    for (const command of [
      ['gen-client', '--lang', 'ts', '--out', 'c.ts'],
      ['asyncapi', '--out', 'a.yaml'],
    ]) {
      const run = await herald([...command, '--manifest', file]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.replace(/^herald: /, '').trimEnd()).toEqual(message);
    }
  });

  it('says when the output cannot be written', async () => {
    const run = await herald(['asyncapi', '--out', 'herald.manifest.json/a.yaml']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'herald: --out herald.manifest.json/a.yaml: cannot write the file (EEXIST)\n',
    });
  });
});
