import { z } from 'zod';

/**
 * The format of `herald.manifest.json`, which `herald compile` writes from decorated controllers
 * and which validate, inspect, gen-client, asyncapi and `serve --manifest` read. docs/manifest.md
 * describes it; `manifestJsonSchema` is its JSON Schema. Every field is plain JSON: functions
 * (guards, hooks) appear by name, schemas as JSON Schema (draft 2020-12).
 */

/** The version of the format; a reader refuses a manifest of another version. */
export const manifestVersion = 1;

/** A JSON Schema as `z.toJSONSchema` writes it (draft 2020-12). */
const jsonSchema = z.record(z.string(), z.unknown());

/** A guard, by the name of its function (`anonymous` for an arrow function without one). */
const guardEntry = z.strictObject({
  name: z.string(),
  /** Higher runs first; equal priorities run in declaration order. */
  priority: z.number(),
});

const eventEntry = z.strictObject({
  /** The client event name, such as `message.send`. */
  name: z.string().min(1),
  /** The controller method that handles it. */
  method: z.string(),
  /** The payload the client sends (the schema's input side); absent when the event has none. */
  schema: jsonSchema.optional(),
  /** True when a frame without `id` is refused: the client must ask for an acknowledgement. */
  ack: z.boolean(),
  /** The acknowledgement payload (the `reply` schema's output side), when declared. */
  reply: jsonSchema.optional(),
  /** Message guards on this method, in the order they run. */
  guards: z.array(guardEntry),
});

const channelHandlerEntry = z.strictObject({
  /** `subscribe`: runs on a client's subscribe request (may refuse); `unsubscribe`: on its leave. */
  kind: z.enum(['subscribe', 'unsubscribe']),
  /** A channel pattern: `*`, `{name}` and `#{user}` as in docs/channels.md. */
  pattern: z.string().min(1),
  /** The names its `{...}` and `#{...}` captures give to the handler. */
  params: z.array(z.string()),
  method: z.string(),
});

const emittedEntry = z.strictObject({
  /** A server→client event name, such as `message.receive`. */
  name: z.string().min(1),
  /** Its payload (the schema's output side); absent when declared without one. */
  schema: jsonSchema.optional(),
});

const namespaceEntry = z.strictObject({
  /** The controller class name. */
  controller: z.string(),
  /** The name under which the controllers module exports it. */
  export: z.string(),
  /** The namespace path pattern, such as `/chat/:room`. */
  path: z.string().startsWith('/'),
  /** The names of its `:param`s. */
  params: z.array(z.string()),
  /** The `@Socket` namespace options that are plain JSON (functions are left out). */
  options: z.record(z.string(), z.unknown()),
  /** DI tokens the constructor receives, by token name, in parameter order. */
  inject: z.array(z.string()),
  /** Handshake guards (`@Guard` on the class), in the order they run. */
  guards: z.array(guardEntry),
  /** Methods run when a connection opens (`@OnConnect`) and closes (`@OnDisconnect`). */
  connect: z.array(z.string()),
  disconnect: z.array(z.string()),
  events: z.array(eventEntry),
  channels: z.array(channelHandlerEntry),
  /** Events the controller sends (`@Emits` and `serverEvents`). */
  emits: z.array(emittedEntry),
});

/** One DI provider of the controllers module (`export const providers`). */
const providerEntry = z.strictObject({
  token: z.string(),
  lifetime: z.enum(['singleton', 'connection']),
  inject: z.array(z.string()),
});

export const manifestSchema = z.strictObject({
  /** Where editors find this format's JSON Schema; ignored by Herald. */
  $schema: z.string().optional(),
  version: z.literal(manifestVersion),
  /** The @herald/server version that wrote it. */
  herald: z.string(),
  /** The controllers module, relative to the manifest's folder, as given to `herald compile`. */
  module: z.string(),
  namespaces: z.array(namespaceEntry),
  providers: z.array(providerEntry),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestNamespace = z.infer<typeof namespaceEntry>;
export type ManifestEvent = z.infer<typeof eventEntry>;
export type ManifestChannelHandler = z.infer<typeof channelHandlerEntry>;
export type ManifestEmitted = z.infer<typeof emittedEntry>;
export type ManifestGuard = z.infer<typeof guardEntry>;
export type ManifestProvider = z.infer<typeof providerEntry>;

/** The JSON Schema of `herald.manifest.json` (the CLI writes it as `herald.manifest.schema.json`). */
export const manifestJsonSchema = (): Record<string, unknown> =>
  z.toJSONSchema(manifestSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
