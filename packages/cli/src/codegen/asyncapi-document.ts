import type { Manifest } from '@herald/server';
import { channelPatterns } from './manifest-file.js';
import { channelBaseName, clientBaseName, NameSet, pascalCase } from './names.js';
import { mapSchemas, namedRef, SchemaSet, type JsonSchema } from './schema-set.js';

type Json = Record<string, unknown>;

const description = `Herald gateway, as its clients see it. Channels whose address starts with \`/\` are \
namespaces: WebSocket paths a client connects to. The others are Herald channels, which a client \
joins with a \`subscribe\` frame (\`{name}\` and \`#{name}\` are the parts of its name; \`*\` matches \
any characters). \`send\` operations are client events (an \`event\` frame; with an \`id\` it is \
answered by an \`ack\` frame carrying the reply), \`receive\` operations the events and \
publications the gateway sends.`;

/**
 * The manifest as an AsyncAPI 3.0 document, from a client's point of view: each namespace and
 * each channel pattern is a channel, client events are `send` operations (with their ack as the
 * reply), emitted events and channel publications `receive` operations, and every payload
 * schema is in `components.schemas`.
 */
export function asyncApiDocument(manifest: Manifest, source: string): Json {
  const schemas = new SchemaSet();
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  const channelIds = new NameSet();
  const operationIds = new NameSet();
  const messageIds = new NameSet();

  for (const namespace of manifest.namespaces) {
    const base = clientBaseName(namespace.controller);
    const channelId = channelIds.take(namespace.controller);
    /** Adds a component message; its key in the channel is the id's last part, in camelCase. */
    const message = (
      id: string,
      name: string,
      title: string,
      schema: object | undefined,
      role: string,
    ) => {
      const messageId = messageIds.take(id);
      const payload =
        schema && schemas.add(`${base}${pascalCase(name)}${role}`, schema as JsonSchema, base);
      messages[messageId] = {
        name,
        title,
        ...(payload && { payload: { $ref: namedRef(payload) } }),
      };
      return messageId;
    };
    const channelMessages: Json = {};
    const reference = (messageId: string) => {
      channelMessages[messageId] = { $ref: `#/components/messages/${messageId}` };
      return { $ref: `#/channels/${channelId}/messages/${messageId}` };
    };
    const emitted = namespace.emits.map((event) =>
      message(
        `${namespace.controller}${pascalCase(event.name)}`,
        event.name,
        `${event.name} (sent by the gateway)`,
        event.schema,
        'Payload',
      ),
    );

    for (const event of namespace.events) {
      const id = `${namespace.controller}${pascalCase(event.name)}`;
      const sent = message(
        id,
        event.name,
        `${event.name} (sent by the client)`,
        event.schema,
        'Payload',
      );
      const acknowledged = event.ack || event.reply !== undefined;
      const ack =
        acknowledged &&
        message(`${id}Ack`, event.name, `ack of ${event.name}`, event.reply, 'Reply');
      operations[operationIds.take(id)] = {
        action: 'send',
        channel: { $ref: `#/channels/${channelId}` },
        summary: `Sends ${event.name}${event.ack ? ' (must be sent with an id: it is acknowledged)' : ''}`,
        messages: [reference(sent)],
        ...(ack && {
          reply: { channel: { $ref: `#/channels/${channelId}` }, messages: [reference(ack)] },
        }),
      };
    }
    for (const [index, event] of namespace.emits.entries()) {
      operations[operationIds.take(`${namespace.controller}${pascalCase(event.name)}`)] = {
        action: 'receive',
        channel: { $ref: `#/channels/${channelId}` },
        summary: `Receives ${event.name}`,
        messages: [reference(emitted[index] as string)],
      };
    }
    channels[channelId] = {
      address: namespace.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}'),
      title: namespace.controller,
      description: `The namespace ${namespace.path} (controller ${namespace.controller}).`,
      ...parameters(namespace.params, (name) => `the :${name} segment of ${namespace.path}`),
      messages: channelMessages,
    };
    for (const pattern of channelPatterns(namespace)) {
      const id = channelIds.take(`${namespace.controller}${channelBaseName(pattern.pattern)}`);
      // Publications on it are the namespace's emitted events: the controller publishes those.
      const publications = Object.fromEntries(
        emitted.map((messageId) => [messageId, { $ref: `#/components/messages/${messageId}` }]),
      );
      channels[id] = {
        address: pattern.pattern.replace(/#\{/g, '{'),
        description: `Channels matching ${pattern.pattern}, subscribed to through ${namespace.path}.`,
        ...parameters(pattern.params, (name) => `the {${name}} part of ${pattern.pattern}`),
        messages: publications,
      };
      operations[operationIds.take(`${id}Publications`)] = {
        action: 'receive',
        channel: { $ref: `#/channels/${id}` },
        summary: `Receives the publications of a subscribed ${pattern.pattern} channel`,
        messages: emitted.map((messageId) => ({ $ref: `#/channels/${id}/messages/${messageId}` })),
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: `Herald gateway (${manifest.module})`,
      version: manifest.herald,
      description: `${description}\n\nGenerated by \`herald asyncapi\` from ${source}.`,
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      schemas: Object.fromEntries(schemas.entries.map(([name, schema]) => [name, draft07(schema)])),
      messages,
    },
  };
}

function parameters(names: string[], describe: (name: string) => string): Json {
  if (names.length === 0) return {};
  return {
    parameters: Object.fromEntries(names.map((name) => [name, { description: describe(name) }])),
  };
}

/**
 * AsyncAPI schemas are JSON Schema draft 07, which writes tuples as `items: [...]` and
 * `additionalItems` where draft 2020-12 (the manifest's) writes `prefixItems` and `items`.
 */
function draft07(schema: JsonSchema): JsonSchema {
  return mapSchemas(schema, (node) => {
    const { prefixItems, items, ...rest } = node;
    if (!Array.isArray(prefixItems)) return node;
    return { ...rest, items: prefixItems, ...(items !== undefined && { additionalItems: items }) };
  });
}
