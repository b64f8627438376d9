import { z } from 'zod';
import { serverVersion } from '../cluster/node-info.js';
import { PathPattern } from '../namespace/path-pattern.js';
import { ChannelPattern } from '../channels/channel-pattern.js';
import type { StandardSchema } from '../validation/payload-schema.js';
import {
  manifestVersion,
  type Manifest,
  type ManifestGuard,
  type ManifestNamespace,
} from './manifest-schema.js';
import { controllerMetadata, type ControllerClass, type GuardRecord } from './metadata.js';
import type { Provider } from './providers.js';
import { tokenName } from './tokens.js';

/** A controller as a module exports it. */
export interface ExportedController {
  /** The export's name (`ChatSocket`, or `default`). */
  export: string;
  controller: ControllerClass;
}

/** Something in the controllers that the manifest cannot describe; `herald validate` reports it. */
export interface ManifestProblem {
  controller: string;
  /** The method (or `@Socket`, `@Emits`) it is about. */
  member: string;
  message: string;
}

export interface ManifestInput {
  controllers: readonly ExportedController[];
  providers?: readonly Provider[];
  /** The controllers module as the manifest names it (relative to the manifest). */
  module: string;
}

type JsonSchema = Record<string, unknown>;

/** The Standard JSON Schema side some validators offer (standardschema.dev/json-schema). */
interface JsonSchemaSide {
  readonly jsonSchema?: {
    input?: (options: { target: string }) => JsonSchema;
    output?: (options: { target: string }) => JsonSchema;
  };
}

/**
 * `schema`'s JSON Schema: zod's own conversion for zod schemas, the Standard JSON Schema side
 * for other validators. Throws when it cannot be converted or is not a schema at all.
 */
export function toJsonSchema(schema: StandardSchema, io: 'input' | 'output'): JsonSchema {
  const standard = (schema as Partial<StandardSchema>)['~standard'];
  if (!standard || typeof standard.validate !== 'function') {
    throw new TypeError('is not a Standard Schema (zod v4, Valibot, ArkType, ...)');
  }
  if (schema instanceof z.ZodType) {
    const converted = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as JsonSchema;
    delete converted.$schema;
    return converted;
  }
  const side = (standard as JsonSchemaSide).jsonSchema?.[io];
  if (!side) throw new TypeError(`a ${standard.vendor} schema without a JSON Schema conversion`);
  return side({ target: 'draft-2020-12' });
}

/**
 * `schema`'s JSON Schema, or undefined when there is none; a schema that cannot be converted is
 * handed to `failed` with the reason (and left out).
 */
export function convertedSchema(
  schema: StandardSchema | undefined,
  io: 'input' | 'output',
  failed: (message: string) => void,
): JsonSchema | undefined {
  if (schema === undefined) return undefined;
  try {
    return toJsonSchema(schema, io);
  } catch (error) {
    failed(`schema cannot be converted to JSON Schema: ${(error as Error).message}`);
    return undefined;
  }
}

/** How the manifest names a function (a guard, a hook): `anonymous` for an unnamed arrow. */
export const functionName = (fn: { name: string }): string => fn.name || 'anonymous';

export const guardEntries = (
  guards: readonly Pick<GuardRecord, 'guard' | 'priority'>[],
): ManifestGuard[] =>
  guards.map(({ guard, priority }) => ({ name: functionName(guard), priority }));

/** A JSON copy of the options that are plain data; functions (guards, authorizers) are left out. */
export function plainOptions(options: object): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(options, (_key, value: unknown) =>
      typeof value === 'function' ? undefined : value,
    ),
  ) as Record<string, unknown>;
}

/**
 * Describes controllers as `herald.manifest.json`. What cannot be described (a schema that does
 * not convert, a bad path or channel pattern) is left out of the manifest and listed in
 * `problems`.
 */
export function buildManifest(input: ManifestInput): {
  manifest: Manifest;
  problems: ManifestProblem[];
} {
  const problems: ManifestProblem[] = [];
  const namespaces = input.controllers.map(({ export: exported, controller }) => {
    const meta = controllerMetadata(controller);
    const problem = (member: string, message: string) =>
      problems.push({ controller: meta.name, member, message });
    const convert = (schema: StandardSchema | undefined, io: 'input' | 'output', member: string) =>
      convertedSchema(schema, io, (message) => problem(member, message));
    let params: string[] = [];
    try {
      params = new PathPattern(meta.path).paramNames;
    } catch (error) {
      problem('@Socket', (error as Error).message);
    }
    const entry: ManifestNamespace = {
      controller: meta.name,
      export: exported,
      path: meta.path,
      params,
      options: plainOptions(meta.options),
      inject: meta.inject.map(tokenName),
      guards: guardEntries(meta.guards),
      connect: meta.connect,
      disconnect: meta.disconnect,
      events: meta.events.map((event) => {
        const schema = convert(event.schema, 'input', event.method);
        const reply = convert(event.reply, 'output', event.method);
        return {
          name: event.name,
          method: event.method,
          ...(schema && { schema }),
          ack: event.ack,
          ...(reply && { reply }),
          guards: guardEntries(meta.methodGuards.get(event.method) ?? []),
        };
      }),
      channels: meta.channels.map((handler) => {
        let names: string[] = [];
        try {
          names = new ChannelPattern(handler.pattern).paramNames;
        } catch (error) {
          problem(handler.method, (error as Error).message);
        }
        return { ...handler, params: names };
      }),
      emits: meta.emits.map(({ name, schema }) => {
        const converted = convert(schema, 'output', '@Emits');
        return { name, ...(converted && { schema: converted }) };
      }),
    };
    return entry;
  });
  const manifest: Manifest = {
    version: manifestVersion,
    herald: serverVersion,
    module: input.module,
    namespaces,
    providers: (input.providers ?? []).map((provider) => ({
      token: tokenName(provider.token),
      lifetime: provider.lifetime,
      inject: provider.inject.map(tokenName),
    })),
  };
  return { manifest, problems };
}
