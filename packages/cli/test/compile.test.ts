import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema, manifestSchema } from '@herald/server';
import { compiledFixture, fixture, fixtureDir, project, readJson } from './support/project.js';
import { runCli } from './support/run-cli.js';

describe('herald compile', () => {
  it('writes herald.manifest.json from src/controllers.ts, and its JSON Schema beside it', async () => {
    const dir = await project({ 'src/controllers.ts': await fixture('chat.ts') });
    const result = await runCli(['compile'], {}, dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'wrote herald.manifest.json (2 controllers, 2 events) and herald.manifest.schema.json beside it\n',
    );
    const manifest = await readJson(dir, 'herald.manifest.json');
    expect(manifestSchema.safeParse(manifest).success).toBe(true);
    expect(Object.keys(manifest)[0]).toBe('$schema');
    expect(manifest).toMatchObject({
      $schema: './herald.manifest.schema.json',
      version: 1,
      module: 'src/controllers.ts',
      providers: [{ token: 'PresenceStore', lifetime: 'singleton', inject: [] }],
    });
    expect(await readJson(dir, 'herald.manifest.schema.json')).toEqual(manifestJsonSchema());
    const chat = (manifest.namespaces as Record<string, unknown>[]).find(
      (namespace) => namespace.export === 'ChatSocket',
    );
    expect(chat).toMatchObject({
      controller: 'ChatSocket',
      path: '/chat/:room',
      params: ['room'],
      options: { maxMessageSize: 16384 },
      inject: ['PresenceStore'],
      connect: ['welcome'],
      disconnect: ['cleanup'],
      events: [
        {
          name: 'message.send',
          method: 'send',
          ack: true,
          schema: { properties: { text: { type: 'string', maxLength: 1000 } } },
          reply: { properties: { delivered: { type: 'boolean' } } },
        },
      ],
      channels: [
        { kind: 'subscribe', pattern: 'room:{room}', method: 'join', params: ['room'] },
        { kind: 'unsubscribe', pattern: 'room:{room}', method: 'left', params: ['room'] },
      ],
      emits: [{ name: 'message.receive', schema: { type: 'object' } }],
    });
  });

  it('names the module relative to the folder of --out, and writes the schema there', async () => {
    const dir = await project({ 'src/controllers.ts': await fixture('chat.ts') });
    const result = await runCli(
      ['compile', 'src/controllers.ts', '--out', 'build/herald.manifest.json'],
      {},
      dir,
    );
    expect(result.code).toBe(0);
    expect(await readJson(dir, 'build/herald.manifest.json')).toMatchObject({
      module: '../src/controllers.ts',
    });
    expect(existsSync(join(dir, 'build/herald.manifest.schema.json'))).toBe(true);
  });

  it('reads the module and the manifest path from herald.config.json', async () => {
    const dir = await project({
      'herald.config.json': JSON.stringify({
        controllers: 'server/sockets.ts',
        manifest: 'generated/herald.manifest.json',
      }),
      'server/sockets.ts': await fixture('chat.ts'),
    });
    const result = await runCli(['compile'], {}, dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote generated\/herald\.manifest\.json /);
    expect(await readJson(dir, 'generated/herald.manifest.json')).toMatchObject({
      module: '../server/sockets.ts',
    });
  });

  it('imports a JavaScript module as it is', async () => {
    const dir = await project({ 'dist/controllers.js': await compiledFixture('chat.ts') });
    const result = await runCli(['compile', 'dist/controllers.js'], {}, dir);
    expect(result.code).toBe(0);
    const manifest = await readJson(dir, 'herald.manifest.json');
    expect(manifest.module).toBe('dist/controllers.js');
    expect(manifest.namespaces).toHaveLength(2);
  });

  it('refuses an --out it cannot write with exit 2, naming it', async () => {
    const dir = await project({ 'src/controllers.ts': await fixture('chat.ts') });
    // A file where a folder of the path should be.
    const result = await runCli(['compile', '--out', 'package.json/herald.manifest.json'], {}, dir);
    expect(result.stderr).toBe(
      'herald: --out package.json/herald.manifest.json: cannot write the file (EEXIST)\n',
    );
    expect(result.code).toBe(2);
  });

  it('refuses with exit 1, naming controller and method, when a schema cannot be described', async () => {
    const dir = await project({ 'src/controllers.ts': await fixture('bad-schema.ts') });
    const result = await runCli(['compile'], {}, dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        'herald: CalendarSocket.plan: schema cannot be converted to JSON Schema: Date cannot be represented in JSON Schema',
        'herald: CalendarSocket.cancel: schema cannot be converted to JSON Schema: is not a Standard Schema (zod v4, Valibot, ArkType, ...)',
        'herald: herald.manifest.json not written: 2 problems',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(dir, 'herald.manifest.json'))).toBe(false);
  });
});

describe('herald compile refuses a module it cannot use with exit 2, naming it', () => {
  it('refuses a module that does not exist', async () => {
    const dir = await project({});
    const result = await runCli(['compile'], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('herald: src/controllers.ts: no such controllers module\n');
  });

  it('refuses a TypeScript module of a CommonJS package, saying how to make it an ES module', async () => {
    const dir = await project({
      'package.json': JSON.stringify({ name: 'app' }),
      'src/controllers.ts': await fixture('chat.ts'),
    });
    const result = await runCli(['compile'], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'herald: src/controllers.ts: a TypeScript module of a CommonJS package cannot import @herald/server: add "type": "module" to its package.json (npm pkg set type=module), or name it .mts\n',
    );
  });

  it('refuses a module with a syntax error, saying where it is', async () => {
    const dir = await project({ 'src/controllers.ts': 'export class Broken {\n  send( {\n}\n' });
    const result = await runCli(['compile'], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^herald: src\/controllers\.ts: cannot be imported: /);
    expect(result.stderr).toContain(
      'controllers.ts:4:0: ERROR: Expected ")" but found end of file',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a module that throws while it loads', async () => {
    const dir = await project({
      'src/controllers.ts': "throw new Error('DATABASE_URL is not set');\n",
    });
    const result = await runCli(['compile'], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'herald: src/controllers.ts: cannot be imported: DATABASE_URL is not set\n',
    );
  });

  it('refuses a module without controllers, listing what it exports', async () => {
    const result = await runCli(['compile', 'no-controllers.ts'], {}, fixtureDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'herald: no-controllers.ts: exports no controller (a class declared with @Socket(path)); it exports PresenceStore, version\n',
    );
  });

  it('refuses a providers export that holds something other than providers', async () => {
    const result = await runCli(['compile', 'bad-providers.ts'], {}, fixtureDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'herald: bad-providers.ts: providers[0]: not a provider: make it with singleton, perConnection or value\n',
    );
  });
});
