import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sparePort } from '../../../test/support/private-services.js';
import { fixture, project } from './support/project.js';
import { killStarted, runCli, startServe } from './support/run-cli.js';

afterEach(killStarted);

async function compiledProject(): Promise<string> {
  const dir = await project({ 'src/controllers.ts': await fixture('chat.ts') });
  expect((await runCli(['compile'], {}, dir)).code).toBe(0);
  return dir;
}

const chatTable = [
  '/admin  AdminSocket',
  '  handshake guards: requireRoles(admin) (priority 10)',
  'KIND   NAME       ACK  PAYLOAD  REPLY                     GUARDS  METHOD',
  'event  stats.get  yes           { online: integer (≥0) }          stats',
  '',
  '/chat/:room  ChatSocket',
  '  inject: PresenceStore',
  'KIND         NAME             ACK  PAYLOAD                                 REPLY                   GUARDS  METHOD',
  'connect                                                                                                    welcome',
  'event        message.send     yes  { room: string, text: string (≤1000) }  { delivered: boolean }          send',
  'emits        message.receive       { from: string, text: string }',
  'subscribe    room:{room}                                                                                   join',
  'unsubscribe  room:{room}                                                                                   left',
  'disconnect                                                                                                 cleanup',
  '',
  'providers: PresenceStore (singleton)',
  '',
].join('\n');

describe('herald inspect', () => {
  it("prints the manifest's namespaces, events, payload shapes, guards and channel handlers", async () => {
    const dir = await compiledProject();
    const result = await runCli(['inspect'], {}, dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(chatTable);
  });

  it('prints the manifest itself with --json, from --manifest', async () => {
    const dir = await compiledProject();
    const result = await runCli(
      ['inspect', '--manifest', join(dir, 'herald.manifest.json'), '--json'],
      {},
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(
      JSON.parse(await readFile(join(dir, 'herald.manifest.json'), 'utf8')),
    );
  });

  it('refuses a manifest of another version, naming the field', async () => {
    const dir = await compiledProject();
    const path = join(dir, 'herald.manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as { namespaces: object[] };
    await writeFile(path, JSON.stringify({ ...manifest, version: '1', namespaces: [{}] }));
    const result = await runCli(['inspect'], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^herald: herald\.manifest\.json: version: expected 1, got "1"\nherald: herald\.manifest\.json: namespaces\[0\]\.controller: expected a string, got undefined\n/,
    );
  });

  it('reads a running gateway with --url and --key', async () => {
    const dir = await compiledProject();
    const { port } = await startServe(
      ['--controllers', 'src/controllers.ts'],
      {
        HERALD_API_KEY: 'inspect-key-0123456789',
      },
      dir,
    );
    const url = `http://127.0.0.1:${port}`;
    const result = await runCli(['inspect', '--url', url, '--key', 'inspect-key-0123456789']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(chatTable.split('\n\n')[1]);
    const refused = await runCli(['inspect', '--url', url, '--key', 'wrong-key']);
    expect(refused.code).toBe(5);
  });

  it('exits 6 when nothing answers at --url', async () => {
    const url = `http://127.0.0.1:${await sparePort()}`;
    const result = await runCli(['inspect', '--url', url, '--key', 'k']);
    expect(result.code).toBe(6);
    expect(result.stderr).toBe(
      `herald: cannot reach the server at ${url}: connection refused (is herald serve running there?)\n`,
    );
  });
});
