import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../server/test/support/test-client.js';
import { compiledFixture, fixture, project } from './support/project.js';
import { killStarted, runCli, startServe } from './support/run-cli.js';

afterEach(killStarted);

/** A project with the chat controllers and their compiled manifest. */
async function compiledProject(): Promise<string> {
  const dir = await project({ 'src/controllers.ts': await fixture('chat.ts') });
  const compiled = await runCli(['compile'], {}, dir);
  expect(compiled.code).toBe(0);
  return dir;
}

/** `herald serve <args>` in `dir`, resolved once it listens. */
function serveIn(dir: string, args: string[]) {
  return startServe(args, {}, dir);
}

describe('herald serve --controllers', () => {
  it('registers the controllers checked against the manifest, and serves their events', async () => {
    const dir = await compiledProject();
    const { port, logs } = await serveIn(dir, [
      '--manifest',
      'herald.manifest.json',
      '--controllers',
      'src/controllers.ts',
    ]);
    expect(logs.at(-1)?.msg).toBe(`serving /admin, /chat/:room on http://127.0.0.1:${port}`);
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/chat/lobby`);
    const answer = await client.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 'lobby', text: 'hello' },
    });
    expect(answer).toMatchObject({ type: 'ack', payload: { delivered: true } });
    client.close();
  });

  it("imports the manifest's own module without --controllers, and a built one with it", async () => {
    const dir = await compiledProject();
    await mkdir(join(dir, 'dist'));
    await writeFile(join(dir, 'dist/controllers.js'), await compiledFixture('chat.ts'));
    const fromManifest = await serveIn(dir, ['--manifest', 'herald.manifest.json']);
    expect(fromManifest.logs.at(-1)?.namespaces).toEqual(['/admin', '/chat/:room']);
    const built = await serveIn(dir, [
      '--manifest',
      'herald.manifest.json',
      '--controllers',
      'dist/controllers.js',
    ]);
    expect(built.logs.at(-1)?.namespaces).toEqual(['/admin', '/chat/:room']);
  });

  it('reads controllers and manifest from the config file, relative to its folder', async () => {
    const dir = await compiledProject();
    await writeFile(
      join(dir, 'herald.config.json'),
      JSON.stringify({ controllers: 'src/controllers.ts', manifest: 'herald.manifest.json' }),
    );
    const { logs } = await startServe(['--config', join(dir, 'herald.config.json')]);
    expect(logs.at(-1)?.namespaces).toEqual(['/admin', '/chat/:room']);
  });
});

describe('herald serve refuses controllers it cannot trust with exit 2', () => {
  it('refuses a manifest that no longer describes the module', async () => {
    const dir = await compiledProject();
    const changed = (await fixture('chat.ts')).replace('max(1000)', 'max(500)');
    await writeFile(join(dir, 'src/controllers.ts'), changed);
    const result = await runCli(['serve', '--manifest', 'herald.manifest.json'], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'herald: herald.manifest.json: the manifest is stale: run herald compile (ChatSocket: events changed in src/controllers.ts)\n',
    );
  });

  it('refuses a manifest listing a controller the module no longer exports', async () => {
    const dir = await compiledProject();
    const without = (await fixture('chat.ts')).replace(
      'export class AdminSocket',
      'class AdminSocket',
    );
    await writeFile(join(dir, 'src/controllers.ts'), without);
    const result = await runCli(['serve', '--manifest', 'herald.manifest.json'], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'herald: herald.manifest.json: the manifest is stale: run herald compile (it lists AdminSocket, which src/controllers.ts does not export)\n',
    );
  });

  it('refuses a manifest of another version, or that is not JSON, naming the field', async () => {
    const dir = await compiledProject();
    const path = join(dir, 'herald.manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as object;
    await writeFile(path, JSON.stringify({ ...manifest, version: 2 }));
    const version = await runCli(['serve', '--manifest', 'herald.manifest.json'], {}, dir);
    expect(version.code).toBe(2);
    expect(version.stderr).toBe(
      'herald: herald.manifest.json: manifest version 2 is not supported (this herald reads version 1); run `herald compile` again\n',
    );
    await writeFile(path, 'not json');
    const garbage = await runCli(['serve', '--manifest', 'herald.manifest.json'], {}, dir);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/^herald: herald\.manifest\.json: not valid JSON: /);
  });

  it('refuses a controllers module that cannot be imported', async () => {
    const result = await runCli(['serve', '--controllers', 'missing.ts']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('herald: missing.ts: no such controllers module\n');
  });
});
