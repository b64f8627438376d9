import { NameSet, pascalCase } from './names.js';

/** A JSON Schema (draft 2020-12) as the manifest holds it: an object, or `true`/`false`. */
export type JsonSchema = Record<string, unknown> | boolean;

/** How a schema of the set refers to another: the form AsyncAPI documents use. */
const refPrefix = '#/components/schemas/';

export const namedRef = (name: string): string => `${refPrefix}${name}`;

/** The name a `namedRef` points to, or undefined for any other reference. */
export function refTarget(ref: unknown): string | undefined {
  return typeof ref === 'string' && ref.startsWith(refPrefix)
    ? ref.slice(refPrefix.length)
    : undefined;
}

// Keywords whose values are data, not schemas: a `$ref` key inside them is not a reference.
const dataKeywords = new Set(['const', 'enum', 'default', 'examples', 'example']);

// Keywords whose values map names to schemas (a property may be called `const`).
const schemaMaps = new Set([
  'properties',
  'patternProperties',
  'dependentSchemas',
  '$defs',
  'definitions',
]);

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The property names `propertyNames` allows, when it lists them (`z.record(z.enum([...]), …)`):
 * the object is then closed, each name a property of the `additionalProperties` schema.
 */
export function listedKeys(schema: Record<string, unknown>): string[] | undefined {
  const names = schema.propertyNames;
  if (!isRecord(names) || !Array.isArray(names.enum)) return undefined;
  const keys = names.enum.filter((key): key is string => typeof key === 'string');
  return keys.length === names.enum.length ? keys : undefined;
}

/**
 * The schemas of one generated file, each under a unique name. Each manifest schema is its own
 * document, with its own `$defs`; here they become named schemas of one set (the same `$defs`
 * entry in several documents becomes one), and every `$ref` points to a name (`namedRef`).
 * A reference that cannot be followed (another document, a path inside a definition) becomes
 * `{}`, which accepts anything, rather than a dangling reference.
 */
export class SchemaSet {
  readonly #schemas = new Map<string, JsonSchema>();
  /** Definitions already named, by their intended name and content. */
  readonly #definitions = new Map<string, string>();

  /** `names`: the names already used in the file, which the schemas' names must not repeat. */
  constructor(readonly names: NameSet = new NameSet()) {}

  /** The named schemas, in the order they were added. */
  get entries(): [name: string, schema: JsonSchema][] {
    return [...this.#schemas];
  }

  /**
   * Adds `document` as `name` (or `name2`, … when taken) and its `$defs` as `prefix` + their
   * name; returns the name the document got.
   */
  add(name: string, document: JsonSchema, prefix: string): string {
    const rootName = this.names.take(name);
    const definitions = isRecord(document) ? (document.$defs ?? document.definitions) : undefined;
    const defNames = new Map<string, string>();
    const pending: [string, unknown][] = [];
    if (isRecord(definitions)) {
      for (const [key, definition] of Object.entries(definitions)) {
        const intended = `${prefix}${pascalCase(key) || 'Definition'}`;
        const identity = `${intended}\0${JSON.stringify(definition)}`;
        const known = this.#definitions.get(identity);
        if (known !== undefined) {
          defNames.set(key, known);
          continue;
        }
        const defName = this.names.take(intended);
        this.#definitions.set(identity, defName);
        defNames.set(key, defName);
        pending.push([defName, definition]);
      }
    }
    const rewrite = (ref: string): string | undefined => {
      if (ref === '#') return rootName;
      const match = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(ref);
      return match ? defNames.get(decodeRefSegment(match[1] as string)) : undefined;
    };
    this.#schemas.set(rootName, withRefs(withoutDocumentKeywords(document), rewrite));
    for (const [defName, definition] of pending) {
      this.#schemas.set(defName, withRefs(definition as JsonSchema, rewrite));
    }
    return rootName;
  }
}

/** A JSON Pointer segment: `~1` is `/`, `~0` is `~`; URI escapes are decoded. */
function decodeRefSegment(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // Not URI-encoded: taken as written.
  }
  return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
}

function withoutDocumentKeywords(document: JsonSchema): JsonSchema {
  if (!isRecord(document)) return document;
  const { $schema, $id, $defs, definitions, ...rest } = document;
  void [$schema, $id, $defs, definitions];
  return rest;
}

/** A copy of `schema` whose `$ref`s point to names (`rewrite`), or are `{}` when they cannot. */
function withRefs(schema: JsonSchema, rewrite: (ref: string) => string | undefined): JsonSchema {
  return mapSchemas(schema, (node) => {
    const { $ref, ...rest } = node;
    if (typeof $ref !== 'string') return node;
    const target = rewrite($ref);
    return target === undefined ? rest : { $ref: namedRef(target), ...rest };
  });
}

/**
 * A copy of `schema` with `change` applied to it and to every schema inside it (its
 * properties, items, alternatives, …), innermost first. Values that are data (`const`, `enum`,
 * `default`, …) are left as they are, so are property names.
 */
export function mapSchemas(
  schema: JsonSchema,
  change: (node: Record<string, unknown>) => Record<string, unknown>,
): JsonSchema {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isRecord(node)) return node;
    const keywords = Object.entries(node).map(([key, value]) => {
      if (dataKeywords.has(key)) return [key, value];
      if (schemaMaps.has(key) && isRecord(value)) {
        return [
          key,
          Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, visit(sub)])),
        ];
      }
      return [key, visit(value)];
    });
    return change(Object.fromEntries(keywords) as Record<string, unknown>);
  };
  return visit(schema) as JsonSchema;
}
