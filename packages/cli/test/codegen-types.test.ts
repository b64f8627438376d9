import { describe, expect, it } from 'vitest';
import { clientModel } from '../src/codegen/client-model.js';
import { SchemaSet } from '../src/codegen/schema-set.js';
import { typeDeclarations, typeScriptType } from '../src/codegen/typescript-types.js';

/** The declarations of `document` added to a fresh set as `Root`, `$defs` prefixed `Doc`. */
function declared(document: Record<string, unknown>): string {
  const set = new SchemaSet();
  set.add('Root', document, 'Doc');
  return typeDeclarations(set.entries);
}

describe('JSON Schema to TypeScript', () => {
  it.each([
    [{ type: 'string' }, 'string'],
    [{ type: 'integer' }, 'number'],
    [{ type: 'number' }, 'number'],
    [{ type: 'boolean' }, 'boolean'],
    [{ type: 'null' }, 'null'],
    [{ type: ['string', 'null'] }, 'string | null'],
    [{ type: 'string', nullable: true }, 'string | null'],
    [{ enum: ['a', 'b', 1, null] }, '"a" | "b" | 1 | null'],
    [{ const: 'x' }, '"x"'],
    [{ const: { kind: 'a', n: [1, true] } }, '{ kind: "a"; n: [1, true] }'],
    [{ anyOf: [{ type: 'string' }, { type: 'number' }] }, 'string | number'],
    [{ oneOf: [{ const: 1 }, { const: 1 }] }, '1'],
    [{ allOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }] }, 'A & B'],
    [{ type: 'array', items: { type: 'string' } }, 'string[]'],
    [
      { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
      '(string | null)[]',
    ],
    [{ type: 'array' }, 'unknown[]'],
    [
      {
        type: 'array',
        prefixItems: [{ type: 'string' }, { type: 'number' }],
        items: false,
        minItems: 2,
      },
      '[string, number]',
    ],
    [
      { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'boolean' }, minItems: 1 },
      '[string, ...boolean[]]',
    ],
    [
      { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], minItems: 1 },
      '[string, number?, ...unknown[]]',
    ],
    [{ type: 'array', items: [{ type: 'string' }], additionalItems: false }, '[string?]'],
    [{ type: 'object' }, 'Record<string, unknown>'],
    [{ type: 'object', additionalProperties: false }, 'Record<string, never>'],
    [
      { type: 'object', additionalProperties: { type: 'number' } },
      '{\n  [key: string]: number;\n}',
    ],
    [
      {
        type: 'object',
        propertyNames: { type: 'string', enum: ['a', 'b-c'] },
        additionalProperties: { type: 'number' },
        required: ['a', 'b-c'],
      },
      '{\n  a: number;\n  "b-c": number;\n}',
    ],
    [
      {
        type: 'object',
        propertyNames: { type: 'string', enum: ['a', 'b'] },
        additionalProperties: { type: 'number' },
      },
      '{\n  a?: number;\n  b?: number;\n}',
    ],
    [{}, 'unknown'],
    [{ not: { type: 'string' } }, 'unknown'],
    [{ $ref: 'https://example.com/other.json' }, 'unknown'],
    [{ anyOf: [{ type: 'string' }, {}] }, 'unknown'],
    [true, 'unknown'],
    [false, 'never'],
  ])('%j is %s', (schema, type) => {
    expect(typeScriptType(schema)).toBe(type);
  });

  it('writes required and optional properties, quoting keys that are not identifiers', () => {
    const schema = {
      type: 'object',
      properties: {
        id: { type: 'string', description: 'The id.' },
        'first-name': { type: 'string' },
        nested: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
      },
      required: ['id'],
      additionalProperties: false,
    };
    expect(typeScriptType(schema)).toBe(
      [
        '{',
        '  /** The id. */',
        '  id: string;',
        '  "first-name"?: string;',
        '  nested?: {',
        '    n: number;',
        '  };',
        '}',
      ].join('\n'),
    );
  });

  it('widens an index signature to the declared properties, optional ones included', () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
      required: ['name'],
      additionalProperties: { type: 'boolean' },
    };
    expect(typeScriptType(schema)).toBe(
      '{\n  name: string;\n  age?: number;\n  [key: string]: boolean | string | number | undefined;\n}',
    );
    expect(typeScriptType({ ...schema, additionalProperties: true })).toContain(
      '[key: string]: unknown;',
    );
  });

  it('names `$defs` and points references to them, the recursive root too', () => {
    expect(
      declared({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {
          owner: { $ref: '#/$defs/User' },
          tree: { $ref: '#/$defs/__schema0' },
          next: { $ref: '#' },
          broken: { $ref: '#/$defs/Missing' },
        },
        required: ['owner'],
        $defs: {
          User: {
            description: 'A member.',
            type: 'object',
            properties: { id: { type: 'string' } },
          },
          __schema0: {
            type: 'object',
            properties: { children: { type: 'array', items: { $ref: '#/$defs/__schema0' } } },
          },
        },
      }),
    ).toBe(
      [
        'export type Root = {',
        '  owner: DocUser;',
        '  tree?: DocSchema0;',
        '  next?: Root;',
        '  broken?: unknown;',
        '};',
        '',
        '/** A member. */',
        'export type DocUser = {',
        '  id?: string;',
        '};',
        '',
        'export type DocSchema0 = {',
        '  children?: DocSchema0[];',
        '};',
        '',
      ].join('\n'),
    );
  });

  it('keeps one name for a definition several documents share, and a new one for a different one', () => {
    const set = new SchemaSet();
    const user = { type: 'object', properties: { id: { type: 'string' } } };
    const document = { properties: { user: { $ref: '#/$defs/User' } }, $defs: { User: user } };
    set.add('First', document, 'App');
    set.add('Second', document, 'App');
    set.add('Third', { ...document, $defs: { User: { ...user, required: ['id'] } } }, 'App');
    expect(set.entries.map(([name]) => name)).toEqual([
      'First',
      'AppUser',
      'Second',
      'Third',
      'AppUser2',
    ]);
    expect(set.entries[2]?.[1]).toEqual({
      properties: { user: { $ref: '#/components/schemas/AppUser' } },
    });
  });

  it('leaves `$ref` keys inside data alone, and follows them inside a property named like a keyword', () => {
    const set = new SchemaSet();
    set.add(
      'Root',
      {
        properties: { const: { $ref: '#/$defs/A' }, kind: { const: { $ref: '#/$defs/A' } } },
        $defs: { A: { type: 'string' } },
      },
      '',
    );
    expect(typeDeclarations(set.entries)).toContain('const?: A;\n  kind?: { $ref: "#/$defs/A" };');
  });
});

describe('names in a generated client', () => {
  it('gives each member a distinct name: camelCase events, on-listeners, subscribe-patterns', () => {
    const event = (name: string) => ({ name, method: 'm', ack: false, guards: [] });
    const namespace = {
      controller: 'ChatSocket',
      export: 'ChatSocket',
      path: '/chat',
      params: [],
      options: {},
      inject: [],
      guards: [],
      connect: [],
      disconnect: [],
      events: [event('message.send'), event('message-send'), event('client')],
      channels: [
        { kind: 'subscribe' as const, pattern: 'user:#{id}:inbox', params: ['id'], method: 'a' },
        { kind: 'unsubscribe' as const, pattern: 'user:#{id}:inbox', params: ['id'], method: 'b' },
        { kind: 'subscribe' as const, pattern: '*', params: [], method: 'c' },
      ],
      emits: [{ name: 'message.receive' }],
    };
    const model = clientModel({
      version: 1,
      herald: '0.1.0',
      module: './controllers.ts',
      namespaces: [namespace, { ...namespace, controller: 'ChatController' }],
      providers: [],
    });
    const [first, second] = model.namespaces;
    expect(first?.events.map((e) => e.method)).toEqual(['messageSend', 'messageSend2', 'client2']);
    expect(first?.emits.map((e) => e.listener)).toEqual(['onMessageReceive']);
    expect(first?.channels.map((c) => [c.method, c.wildcard])).toEqual([
      ['subscribeUserInbox', false],
      ['subscribeChannel', true],
    ]);
    // Both would be "Chat": each keeps its class name, so that adding one never renames the other's.
    expect(first?.names).toMatchObject({
      create: 'createChatSocketClient',
      path: 'chatSocketPath',
    });
    expect(second?.names).toMatchObject({
      create: 'createChatControllerClient',
      client: 'ChatControllerClient',
    });
  });

  it('keeps the letters of accented names, and names events with none after their role', () => {
    const event = (name: string) => ({ name, method: 'm', ack: false, guards: [] });
    const model = clientModel({
      version: 1,
      herald: '0.1.0',
      module: './controllers.ts',
      namespaces: [
        {
          controller: 'CaféSocket',
          export: 'CaféSocket',
          path: '/café',
          params: [],
          options: {},
          inject: [],
          guards: [],
          connect: [],
          disconnect: [],
          events: [event('émoji💥'), event('💥')],
          channels: [],
          emits: [{ name: 'héllo', schema: { type: 'string' } }, { name: '🔔' }],
        },
      ],
      providers: [],
    });
    const [cafe] = model.namespaces;
    expect(cafe?.names.create).toBe('createCafeClient');
    expect(cafe?.events.map((e) => e.method)).toEqual(['emoji', 'event']);
    expect(cafe?.emits.map((e) => e.listener)).toEqual(['onHello', 'onEvent']);
    expect(model.schemas.entries.map(([name]) => name)).toEqual(['CafeHelloPayload']);
  });
});
