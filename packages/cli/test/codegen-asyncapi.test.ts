import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest, createGateway, Emits, Event, Socket } from '@herald/server';
import { z } from 'zod';
import { controllers } from './fixtures/codegen/controllers.js';
import { runCli } from './support/run-cli.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-asyncapi-'));
  const { manifest } = buildManifest({ controllers, module: './controllers.ts' });
  await writeFile(join(dir, 'herald.manifest.json'), JSON.stringify(manifest));
  await mkdir(join(dir, 'build'));
  await writeFile(join(dir, 'build', 'herald.manifest.json'), JSON.stringify(manifest));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** The parser's diagnostics of severity error (0), as `code: message at path`. */
async function errorsOf(text: string): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(text);
  return diagnostics
    .filter((diagnostic) => diagnostic.severity === 0)
    .map((d) => `${String(d.code)}: ${d.message} at ${d.path.join('.')}`);
}

async function generate(args: string[]): Promise<string> {
  const run = await runCli(['asyncapi', ...args], {}, dir);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}

type Json = Record<string, Record<string, unknown>>;

/** The parts of the document these tests read. */
interface Document {
  asyncapi: string;
  channels: Json;
  operations: Json;
  components: { schemas: Json; messages: Json };
}

describe('herald asyncapi', () => {
  it('writes an AsyncAPI 3.0 YAML document that @asyncapi/parser accepts without errors', async () => {
    expect(await generate(['--out', 'asyncapi.yaml'])).toBe(
      'wrote asyncapi.yaml: AsyncAPI 3.0 (yaml), 3 namespaces\n',
    );
    const text = await readFile(join(dir, 'asyncapi.yaml'), 'utf8');
    expect(await errorsOf(text)).toEqual([]);

    const document = parse(text) as Document;
    expect(document.asyncapi).toBe('3.0.0');
    // Namespaces and channel patterns are channels; path and pattern params are parameters.
    expect(document.channels.ChatSocket).toMatchObject({
      address: '/chat/{room}',
      parameters: { room: { description: 'the :room segment of /chat/:room' } },
    });
    expect(document.channels.BoardController?.address).toBe('/orgs/{org}/boards/{board}');
    expect(Object.keys(document.channels.BoardController?.parameters ?? {})).toEqual([
      'org',
      'board',
    ]);
    expect(document.channels.ChatSocketDm).toMatchObject({
      address: 'dm:{a},{b}',
      parameters: { a: {}, b: {} },
    });
    expect(document.channels.BoardControllerBoardTasks?.address).toBe('board:{board}:tasks');
    // Client events are sent, with their ack as the reply; emitted events are received.
    expect(document.operations.ChatSocketMessageSend).toMatchObject({
      action: 'send',
      channel: { $ref: '#/channels/ChatSocket' },
      messages: [{ $ref: '#/channels/ChatSocket/messages/ChatSocketMessageSend' }],
      reply: { messages: [{ $ref: '#/channels/ChatSocket/messages/ChatSocketMessageSendAck' }] },
    });
    expect(document.operations.ChatSocketTyping).not.toHaveProperty('reply');
    expect(document.operations.ChatSocketMessageReceive?.action).toBe('receive');
    expect(document.operations.ChatSocketRoomPublications).toMatchObject({
      action: 'receive',
      channel: { $ref: '#/channels/ChatSocketRoom' },
    });
    // Payloads are component schemas; `$defs` became schemas of their own.
    expect(document.components.messages.ChatSocketMessageSendAck).toEqual({
      name: 'message.send',
      title: 'ack of message.send',
      payload: { $ref: '#/components/schemas/ChatMessageSendReply' },
    });
    const schemas = document.components.schemas;
    expect(schemas.BoardUser).toMatchObject({ type: 'object', required: ['id', 'name'] });
    expect(schemas.BoardTaskAddPayload).toMatchObject({
      properties: {
        assignee: { $ref: '#/components/schemas/BoardUser' },
        // Draft 07's tuple form, which AsyncAPI schemas use.
        position: { items: [{ type: 'number' }, { type: 'number' }], additionalItems: false },
      },
    });
    expect(schemas.BoardSchema0).toMatchObject({
      properties: { subtasks: { items: { $ref: '#/components/schemas/BoardSchema0' } } },
    });
  });

  it('is checked for real: a dangling reference in it would be an error', async () => {
    const text = await readFile(join(dir, 'asyncapi.yaml'), 'utf8');
    const broken = text.replace(
      '#/components/schemas/ChatMessageSendReply',
      '#/components/schemas/Missing',
    );
    expect(broken).not.toBe(text);
    expect(await errorsOf(broken)).not.toEqual([]);
  });

  it('writes JSON for a .json file, or with --format json; from another manifest with --manifest', async () => {
    await generate(['--out', 'asyncapi.json']);
    await generate([
      '--manifest',
      'build/herald.manifest.json',
      '--format',
      'json',
      '--out',
      'public/asyncapi',
    ]);
    const fromFlag = await readFile(join(dir, 'public', 'asyncapi'), 'utf8');
    const fromExtension = await readFile(join(dir, 'asyncapi.json'), 'utf8');
    expect(fromFlag.replace('from build/herald', 'from herald')).toBe(fromExtension);
    expect(await errorsOf(fromFlag)).toEqual([]);
    const yaml = parse(await readFile(join(dir, 'asyncapi.yaml'), 'utf8')) as unknown;
    // The same document but for the manifest it names.
    expect(JSON.parse(fromFlag)).toEqual(
      JSON.parse(
        JSON.stringify(yaml).replace(
          /from herald\.manifest\.json/,
          'from build/herald.manifest.json',
        ),
      ),
    );
  });

  it('names the functional namespaces of a running gateway after their paths', async () => {
    const gateway = createGateway({ logLevel: 'silent' });
    const feed = gateway.namespace('/feed/:topic');
    feed.on('item.post', { schema: z.object({ text: z.string() }), ack: true }, () => ({}));
    gateway.namespace('/ws').on('item.post', () => ({}));
    await writeFile(join(dir, 'gateway.manifest.json'), JSON.stringify(gateway.manifest()));
    await generate(['--manifest', 'gateway.manifest.json', '--out', 'gateway.yaml']);
    const text = await readFile(join(dir, 'gateway.yaml'), 'utf8');
    expect(await errorsOf(text)).toEqual([]);
    const document = parse(text) as Document;
    expect(Object.keys(document.channels)).toEqual(['Feed', 'Ws']);
    expect(Object.keys(document.operations)).toEqual(['FeedItemPost', 'WsItemPost']);
    const run = await runCli(
      ['gen-client', '--lang', 'ts', '--manifest', 'gateway.manifest.json', '--out', 'gw.ts'],
      {},
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const client = await readFile(join(dir, 'gw.ts'), 'utf8');
    expect(client).toContain('// ---- Feed: /feed/:topic ----');
    expect(client).toContain('export function createFeedClient(');
    expect(client).not.toContain('(controller');
    await gateway.close();
  });

  it('keeps ids ASCII and apart for accented names and controllers that differ by a suffix', async () => {
    @Emits('héllo', z.object({ text: z.string() }))
    @Socket('/café')
    class CaféSocket {}
    @Socket('/chat')
    class ChatSocket {
      @Event('émoji', { schema: z.string() })
      send(): void {}
    }
    @Socket('/chat/:room')
    class ChatController {
      @Event('émoji', { schema: z.number() })
      send(): void {}
    }
    const { manifest } = buildManifest({
      controllers: [CaféSocket, ChatSocket, ChatController].map((controller) => ({
        export: controller.name,
        controller,
      })),
      module: './controllers.ts',
    });
    await writeFile(join(dir, 'odd.manifest.json'), JSON.stringify(manifest));
    await generate(['--manifest', 'odd.manifest.json', '--out', 'odd.yaml']);
    const text = await readFile(join(dir, 'odd.yaml'), 'utf8');
    expect(await errorsOf(text)).toEqual([]);
    const document = parse(text) as Document;
    expect(Object.keys(document.channels)).toEqual(['CafeSocket', 'ChatSocket', 'ChatController']);
    expect(Object.keys(document.components.schemas)).toEqual([
      'CafeHelloPayload',
      'ChatSocketEmojiPayload',
      'ChatControllerEmojiPayload',
    ]);
  });

  it("reads the manifest the config file's `manifest` key names, as herald compile writes it", async () => {
    const project = await mkdtemp(join(tmpdir(), 'herald-asyncapi-config-'));
    const { manifest } = buildManifest({ controllers, module: '../controllers.ts' });
    await mkdir(join(project, 'build'));
    await writeFile(join(project, 'build', 'herald.manifest.json'), JSON.stringify(manifest));
    await writeFile(
      join(project, 'herald.config.json'),
      JSON.stringify({ manifest: 'build/herald.manifest.json' }),
    );
    for (const command of [
      ['asyncapi', '--out', 'asyncapi.yaml'],
      ['gen-client', '--lang', 'ts', '--out', 'chat.ts'],
    ]) {
      const run = await runCli(command, {}, project);
      expect(run.code, run.stderr).toBe(0);
    }
    const client = await readFile(join(project, 'chat.ts'), 'utf8');
    expect(client).toContain('build/herald.manifest.json');
    await rm(project, { recursive: true, force: true });
  });

  it('refuses an unknown --format with exit 2', async () => {
    const run = await runCli(['asyncapi', '--out', 'a.yaml', '--format', 'xml'], {}, dir);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'herald: --format: expected one of yaml, json, got "xml"\n',
    });
  });
});
