import { propertyKey } from './names.js';
import { isRecord, listedKeys, refTarget, type JsonSchema } from './schema-set.js';

/**
 * JSON Schema (draft 2020-12, as zod writes it) → a TypeScript type. Covers objects (required
 * and optional properties, `additionalProperties`), arrays and tuples (`prefixItems`), the
 * primitive types, `enum`, `const`, `anyOf`/`oneOf` (unions), `allOf` (intersections),
 * records whose `propertyNames` list their keys (as properties),
 * `nullable` and `$ref`s to named schemas (see SchemaSet). Whatever it cannot express (`not`,
 * `if`, a reference it cannot follow) is `unknown`, which is always safe.
 *
 * An object without `additionalProperties` gets no index signature: extra properties are
 * allowed by the schema but not typed, so that a misspelt property is still a compile error.
 */
export function typeScriptType(schema: unknown, indent = ''): string {
  if (schema === false) return 'never';
  if (!isRecord(schema)) return 'unknown';
  const type = baseType(schema, indent);
  return schema.nullable === true && type !== 'unknown' ? union([type, 'null']) : type;
}

/** `export type Name = …;` for each named schema, with its description as a doc comment. */
export function typeDeclarations(entries: [name: string, schema: JsonSchema][]): string {
  return entries
    .map(([name, schema]) => {
      const description = isRecord(schema) ? docComment(schema.description, '') : '';
      return `${description}export type ${name} = ${typeScriptType(schema)};\n`;
    })
    .join('\n');
}

function baseType(schema: Record<string, unknown>, indent: string): string {
  if (schema.$ref !== undefined) return refTarget(schema.$ref) ?? 'unknown';
  if ('const' in schema) return literalType(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literalType));
  const parts: string[] = [];
  const own = ownType(schema, indent);
  if (own !== undefined) parts.push(own);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) {
    parts.push(union(alternatives.map((member) => typeScriptType(member, indent))));
  }
  if (Array.isArray(schema.allOf)) {
    parts.push(...schema.allOf.map((member) => typeScriptType(member, indent)));
  }
  const known = parts.filter((part) => part !== 'unknown');
  if (known.length === 0) return 'unknown';
  return known.length === 1 ? (known[0] as string) : known.map(grouped).join(' & ');
}

/** The type from `type` (one name or a list), or from `properties`/`items` when it is left out. */
function ownType(schema: Record<string, unknown>, indent: string): string | undefined {
  let names: unknown[];
  if (Array.isArray(schema.type)) names = schema.type;
  else if (typeof schema.type === 'string') names = [schema.type];
  else if (isRecord(schema.properties) || schema.additionalProperties !== undefined)
    names = ['object'];
  else if (schema.items !== undefined || schema.prefixItems !== undefined) names = ['array'];
  else return undefined;
  return union(names.map((name) => namedType(name, schema, indent)));
}

function namedType(name: unknown, schema: Record<string, unknown>, indent: string): string {
  switch (name) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'object':
      return objectType(schema, indent);
    case 'array':
      return arrayType(schema, indent);
    default:
      return 'unknown';
  }
}

function objectType(schema: Record<string, unknown>, indent: string): string {
  const declared = isRecord(schema.properties) ? Object.entries(schema.properties) : [];
  const keys = listedKeys(schema);
  const properties =
    keys === undefined
      ? declared
      : [
          ...declared,
          ...keys
            .filter((key) => !declared.some(([name]) => name === key))
            .map((key): [string, unknown] => [key, schema.additionalProperties ?? true]),
        ];
  const extra = keys === undefined ? schema.additionalProperties : false;
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const inner = `${indent}  `;
  const members = properties.map(([name, property]) => {
    const optional = required.has(name) ? '' : '?';
    const description = isRecord(property) ? docComment(property.description, inner) : '';
    return `${description}${inner}${propertyKey(name)}${optional}: ${typeScriptType(property, inner)};`;
  });
  if (extra !== undefined && extra !== false) {
    // An index signature must admit every declared property's type too.
    const values = [
      typeScriptType(extra, inner),
      ...properties.map(([, p]) => typeScriptType(p, inner)),
    ];
    if (properties.some(([name]) => !required.has(name))) values.push('undefined');
    const value = values.includes('unknown') ? 'unknown' : union(values);
    members.push(`${inner}[key: string]: ${value};`);
  }
  if (members.length === 0) {
    return extra === false ? 'Record<string, never>' : 'Record<string, unknown>';
  }
  return `{\n${members.join('\n')}\n${indent}}`;
}

function arrayType(schema: Record<string, unknown>, indent: string): string {
  // Draft 2020-12 writes tuples as `prefixItems` + `items`; drafts before it as `items: [...]` + `additionalItems`.
  const tupleItems = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : undefined;
  if (tupleItems === undefined) {
    return `${grouped(typeScriptType(schema.items ?? true, indent))}[]`;
  }
  const rest = Array.isArray(schema.prefixItems) ? schema.items : schema.additionalItems;
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const elements = tupleItems.map(
    (item, index) => `${typeScriptType(item, indent)}${index < minItems ? '' : '?'}`,
  );
  if (rest !== false) elements.push(`...${grouped(typeScriptType(rest ?? true, indent))}[]`);
  return `[${elements.join(', ')}]`;
}

/** The type of exactly this JSON value: `"a"`, `3`, `{ kind: "a" }`, `[1, 2]`. */
function literalType(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literalType).join(', ')}]`;
  if (isRecord(value)) {
    const members = Object.entries(value).map(
      ([key, member]) => `${propertyKey(key)}: ${literalType(member)}`,
    );
    return members.length === 0 ? 'Record<string, never>' : `{ ${members.join('; ')} }`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'number';
  return value === undefined ? 'unknown' : JSON.stringify(value);
}

/** A union without repeats; `unknown` absorbs everything, `never` adds nothing. */
function union(types: string[]): string {
  const distinct = [...new Set(types)].filter((type) => type !== 'never');
  if (distinct.includes('unknown')) return 'unknown';
  if (distinct.length === 0) return 'never';
  return distinct.length === 1 ? (distinct[0] as string) : distinct.map(grouped).join(' | ');
}

/** Parentheses around a union or intersection, for use in `T[]` or another union. */
function grouped(type: string): string {
  return topLevelOperator(type) ? `(${type})` : type;
}

/** True when `type` has a `|` or `&` outside brackets, braces, parentheses and strings. */
function topLevelOperator(type: string): boolean {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < type.length; i += 1) {
    const char = type[i];
    if (quoted) {
      if (char === '\\') i += 1;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === '{' || char === '[' || char === '(' || char === '<') depth += 1;
    else if (char === '}' || char === ']' || char === ')' || char === '>') depth -= 1;
    else if (depth === 0 && (char === '|' || char === '&')) return true;
  }
  return false;
}

/** A `/** … *\/` comment for a schema's description (none when it has none). */
function docComment(description: unknown, indent: string): string {
  if (typeof description !== 'string' || description.trim() === '') return '';
  const lines = description.trim().replace(/\*\//g, '*\\/').split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line}`.trimEnd()).join('\n')}\n${indent} */\n`;
}
