import { isRecord as isSchema, listedKeys } from '../codegen/schema-set.js';

/** A JSON Schema object as the manifest holds it (draft 2020-12, as `z.toJSONSchema` writes it). */
type JsonSchema = Record<string, unknown>;

/** A bound, unless it only says "a safe integer" (as `z.number().int()` writes it). */
const bound = (value: unknown): number | undefined =>
  typeof value === 'number' && Math.abs(value) < Number.MAX_SAFE_INTEGER ? value : undefined;

/** `1..1000`, `≤1000`, `≥1`, `>0` or undefined: a range from its bounds. */
function range(
  min: unknown,
  max: unknown,
  exclusiveMin?: unknown,
  exclusiveMax?: unknown,
): string | undefined {
  const low = bound(min);
  const high = bound(max);
  if (low !== undefined && high !== undefined) return low === high ? `=${low}` : `${low}..${high}`;
  const parts: string[] = [];
  if (low !== undefined) parts.push(`≥${low}`);
  if (typeof exclusiveMin === 'number') parts.push(`>${exclusiveMin}`);
  if (high !== undefined) parts.push(`≤${high}`);
  if (typeof exclusiveMax === 'number') parts.push(`<${exclusiveMax}`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** `text (≤1000)`: a type and its constraints, when it has any. */
function constrained(text: string, constraints: (string | undefined)[]): string {
  const shown = constraints.filter((constraint) => constraint !== undefined);
  return shown.length > 0 ? `${text} (${shown.join(', ')})` : text;
}

function objectShape(schema: JsonSchema): string {
  const properties = isSchema(schema.properties) ? { ...schema.properties } : {};
  const keys = listedKeys(schema);
  // A record of listed keys (`z.record(z.enum([...]), …)`) is those properties.
  for (const key of keys ?? []) properties[key] ??= schema.additionalProperties ?? {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  const fields = Object.entries(properties).map(
    ([name, property]) =>
      `${/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name)}` +
      `${required.includes(name) ? '' : '?'}: ${schemaShape(isSchema(property) ? property : {})}`,
  );
  if (
    keys === undefined &&
    isSchema(schema.additionalProperties) &&
    Object.keys(schema.additionalProperties).length > 0
  ) {
    fields.push(`[key: string]: ${schemaShape(schema.additionalProperties)}`);
  }
  return fields.length > 0 ? `{ ${fields.join(', ')} }` : '{}';
}

function arrayShape(schema: JsonSchema): string {
  const size = range(schema.minItems, schema.maxItems);
  if (Array.isArray(schema.prefixItems)) {
    const items = schema.prefixItems.map((item) => schemaShape(isSchema(item) ? item : {}));
    return constrained(`[${items.join(', ')}]`, [size]);
  }
  const item = schemaShape(isSchema(schema.items) ? schema.items : {});
  return constrained(/[ |&]/.test(item) && !item.startsWith('{') ? `(${item})[]` : `${item}[]`, [
    size,
  ]);
}

function typedShape(type: string, schema: JsonSchema): string {
  switch (type) {
    case 'object':
      return objectShape(schema);
    case 'array':
      return arrayShape(schema);
    case 'string':
      return constrained('string', [
        typeof schema.format === 'string' ? schema.format : undefined,
        range(schema.minLength, schema.maxLength),
        typeof schema.pattern === 'string' ? `/${schema.pattern}/` : undefined,
      ]);
    case 'number':
    case 'integer':
      return constrained(type, [
        range(schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum),
      ]);
    default:
      return type;
  }
}

function members(value: unknown): JsonSchema[] | undefined {
  return Array.isArray(value) ? value.filter(isSchema) : undefined;
}

/**
 * A JSON Schema in one line, TypeScript-like, with the constraints a sender must keep:
 * `{ room: string, text: string (≤1000), tags?: string[] }`. What it does not know is `unknown`.
 */
export function schemaShape(schema: JsonSchema): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum))
    return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').at(-1) ?? schema.$ref;
  const union = members(schema.anyOf) ?? members(schema.oneOf);
  if (union) return union.map(schemaShape).join(' | ');
  const all = members(schema.allOf);
  if (all) return all.map(schemaShape).join(' & ');
  if (Array.isArray(schema.type)) {
    return schema.type.map((type) => typedShape(String(type), schema)).join(' | ');
  }
  if (typeof schema.type === 'string') return typedShape(schema.type, schema);
  return 'unknown';
}
