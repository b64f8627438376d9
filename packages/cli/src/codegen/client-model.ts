import type { Manifest, ManifestNamespace } from '@herald/server';
import { channelPatterns } from './channel-patterns.js';
import {
  channelBaseName,
  clientBaseNames,
  eventBaseName,
  eventMethodName,
  NameSet,
} from './names.js';
import { SchemaSet } from './schema-set.js';

/**
 * What the generated TypeScript file declares for each namespace, named once here so that the
 * renderer only writes text. Names are unique in the file: a second `Chat` is `Chat2`.
 */
export interface ClientModel {
  namespaces: NamespaceModel[];
  /** The named types of every payload and `$defs` entry. */
  schemas: SchemaSet;
}

export interface NamespaceModel {
  entry: ManifestNamespace;
  /** `createChatClient`, `ChatClient`, `chatPath`, … */
  names: {
    create: string;
    client: string;
    path: string;
    params: string;
    clientEvents: string;
    serverEvents: string;
    publication: string;
  };
  events: ClientEventModel[];
  emits: EmittedEventModel[];
  channels: ChannelModel[];
}

export interface ClientEventModel {
  name: string;
  ack: boolean;
  /** `messageSend`. */
  method: string;
  /** The payload's type name; undefined when the event has no schema (any payload, or none). */
  payload: string | undefined;
  /** The ack payload's type name; undefined when no reply schema is declared (`unknown`). */
  reply: string | undefined;
}

export interface EmittedEventModel {
  name: string;
  /** `onMessageReceive`. */
  listener: string;
  /** The payload's type name; undefined when declared without a schema (`unknown`). */
  payload: string | undefined;
}

export interface ChannelModel {
  pattern: string;
  /** `subscribeRoom`. */
  method: string;
  params: string[];
  /** True when the pattern has a `*`: the method takes the channel name, typed by the pattern. */
  wildcard: boolean;
}

/**
 * Names the generated file imports, declares as helpers, or uses from TypeScript's globals: a
 * controller or schema of the same name gets a suffix.
 */
const reservedNames = [
  'HeraldClient',
  'HeraldClientOptions',
  'RequestOptions',
  'SubscribeOptions',
  'Subscription',
  'SubscriptionHandlers',
  'fillPath',
  'fillChannel',
  'joinUrl',
  'Array',
  'Promise',
  'Record',
  'Object',
  'String',
  'Number',
  'Boolean',
];

/** A client's own members: an event whose name would clash gets a suffix (`client2`). */
const clientMembers = ['client'];

export function clientModel(manifest: Manifest): ClientModel {
  // One set of names for the whole file: types, functions and schemas.
  const fileNames = new NameSet(reservedNames);
  const schemas = new SchemaSet(fileNames);
  const baseNames = clientBaseNames(manifest.namespaces);
  const namespaces = manifest.namespaces.map((entry, index): NamespaceModel => {
    const base = fileNames.take(baseNames[index] as string);
    const lower = base.charAt(0).toLowerCase() + base.slice(1);
    // Each type is `<Base><Event><Role>`, taken from the same set as the schemas' names.
    const typeName = (schema: object | undefined, event: string, role: string) =>
      schema === undefined
        ? undefined
        : schemas.add(
            `${base}${eventBaseName(event)}${role}`,
            schema as Record<string, unknown>,
            base,
          );
    const members = new NameSet(clientMembers);
    return {
      entry,
      names: {
        create: fileNames.take(`create${base}Client`),
        client: fileNames.take(`${base}Client`),
        path: fileNames.take(`${lower}Path`),
        params: fileNames.take(`${base}PathParams`),
        clientEvents: fileNames.take(`${base}ClientEvents`),
        serverEvents: fileNames.take(`${base}ServerEvents`),
        publication: fileNames.take(`${base}Publication`),
      },
      events: entry.events.map((event) => ({
        name: event.name,
        ack: event.ack,
        method: members.take(eventMethodName(event.name)),
        payload: typeName(event.schema, event.name, 'Payload'),
        reply: typeName(event.reply, event.name, 'Reply'),
      })),
      emits: entry.emits.map((emitted) => ({
        name: emitted.name,
        listener: members.take(`on${eventBaseName(emitted.name)}`),
        payload: typeName(emitted.schema, emitted.name, 'Payload'),
      })),
      channels: channelPatterns(entry).map((channel) => ({
        pattern: channel.pattern,
        method: members.take(`subscribe${channelBaseName(channel.pattern)}`),
        params: channel.params,
        wildcard: channel.pattern.includes('*'),
      })),
    };
  });
  return { namespaces, schemas };
}
