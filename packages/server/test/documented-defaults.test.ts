import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { gatewayOptionsSchema } from '../src/index.js';

/**
 * The option tables of the docs against the option schemas: every default a table states is the
 * one parsing fills in, every option a table names exists, and every default is stated somewhere.
 */

/** The tables that state defaults, and the option path their option names are relative to. */
const tables = [
  { doc: 'server.md', heading: 'Gateway options', prefix: '' },
  { doc: 'server.md', heading: 'Namespace options', prefix: 'namespaceDefaults.' },
  { doc: 'channels.md', heading: 'Policy options', prefix: 'channels.default.' },
  { doc: 'channels.md', heading: 'Gateway channel options', prefix: 'channels.' },
  { doc: 'auth.md', heading: 'Gateway auth, tenancy and limit options', prefix: '' },
  { doc: 'auth.md', heading: 'Namespace security options', prefix: 'namespaceDefaults.' },
  { doc: 'proxy.md', heading: 'Proxy options', prefix: 'namespaceDefaults.proxy.' },
  { doc: 'proxy.md', heading: 'Channel proxy options', prefix: 'channels.default.proxy.' },
  // No default column: its defaults are stated as "(default …)" in the meaning.
  { doc: 'configuration.md', heading: 'Auth, tenancy, limits and rate limits', prefix: '' },
];

/** One option as a table states it: `stated` is its default cell, or the "(default …)" text. */
interface Row {
  where: string;
  option: string;
  stated: string | undefined;
}

function rows(doc: string, heading: string, prefix: string): Row[] {
  const lines = readFileSync(new URL(`../../../docs/${doc}`, import.meta.url), 'utf8').split('\n');
  const start = lines.findIndex(
    (line) => /^#+ /.test(line) && line.replace(/^#+ /, '') === heading,
  );
  if (start < 0) throw new Error(`${doc}: no heading "${heading}"`);
  const after = lines.slice(start + 1);
  const end = after.findIndex((line) => /^#+ /.test(line));
  const table = (end < 0 ? after : after.slice(0, end)).filter((line) => line.startsWith('|'));
  const cells = (line: string) =>
    line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((cell) => cell.trim());
  const header = cells(table[0] ?? '');
  const optionColumn = header.indexOf('option');
  const defaultColumn = header.indexOf('default');
  if (optionColumn < 0) throw new Error(`${doc}, ${heading}: no "option" column`);
  return table.slice(2).flatMap((line) => {
    const row = cells(line);
    const stated =
      defaultColumn >= 0
        ? row[defaultColumn]
        : row.map((cell) => /\(default ([^)]+)\)/.exec(cell)?.[1]).find(Boolean);
    const names = [...(row[optionColumn] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    return names.map((name) => ({ where: `${doc}, ${heading}`, option: prefix + name, stated }));
  });
}

const units: Record<string, number> = { ms: 1, s: 1_000, min: 60_000, KiB: 1024, MiB: 1024 ** 2 };

/**
 * What a default cell states: a value (`65536`, `5000 ms`, `1 MiB`, `` `buffer` ``, `false`,
 * `` `[]` ``, each perhaps followed by a note in parentheses), no default (`—`), or, for a rule
 * or a pointer (`see below`, `` `LOG_LEVEL` or `info` ``), undefined.
 */
function statedValue(text: string): { value: unknown } | 'none' | undefined {
  if (text === '—') return 'none';
  const parts = /^(`?)('?)([^`'\s]+)\2\1(?: (ms|s|min|KiB|MiB))?(?: \(.*\))?$/.exec(text);
  if (!parts) return undefined;
  const [, , , word = '', unit] = parts;
  if (/^\d+$/.test(word)) return { value: Number(word) * (unit ? (units[unit] as number) : 1) };
  if (unit) return undefined;
  if (word === 'true' || word === 'false') return { value: word === 'true' };
  if (word === '[]' || word === '{}') return { value: JSON.parse(word) as unknown };
  return { value: word };
}

/** What the walk reads of a zod schema's definition. */
interface Definition {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  defaultValue?: unknown;
}

const definition = (schema: z.ZodType) => schema._zod.def as unknown as Definition;

/**
 * Every option that has a default, by path, with the value parsing fills in. A schema met twice
 * (a channel policy, as the gateway's default policy and as a namespace's) is walked once.
 */
function schemaDefaults(
  schema: z.ZodType,
  path = '',
  found = new Map<string, unknown>(),
  seen = new Set<z.ZodType>(),
): Map<string, unknown> {
  const def = definition(schema);
  if (def.type === 'default') found.set(path, def.defaultValue);
  else if (def.innerType) schemaDefaults(def.innerType, path, found, seen);
  else if (def.type === 'pipe' && def.in) schemaDefaults(def.in, path, found, seen);
  else if (def.shape && !seen.has(schema)) {
    seen.add(schema);
    for (const [key, field] of Object.entries(def.shape))
      schemaDefaults(field, path ? `${path}.${key}` : key, found, seen);
  }
  return found;
}

/** Whether `path` names an option of `schema`. */
function exists(schema: z.ZodType, path: string): boolean {
  let current: z.ZodType | undefined = schema;
  for (const key of path.split('.')) {
    let def = definition(current);
    while (!def.shape && (def.innerType ?? def.in)) {
      current = (def.innerType ?? def.in) as z.ZodType;
      def = definition(current);
    }
    current = def.shape?.[key];
    if (!current) return false;
  }
  return true;
}

const defaults = schemaDefaults(gatewayOptionsSchema);
const documented = tables.flatMap(({ doc, heading, prefix }) => rows(doc, heading, prefix));

describe('documented option defaults', () => {
  it('reads every table, and the schemas have defaults to compare', () => {
    for (const { doc, heading, prefix } of tables) {
      expect(rows(doc, heading, prefix).length, `${doc}, ${heading}`).toBeGreaterThan(0);
    }
    expect(defaults.get('handshakeTimeout')).toBe(10_000);
    expect(defaults.get('namespaceDefaults.backpressure.maxQueueBytes')).toBe(1024 * 1024);
    expect(defaults.get('channels.default.recoveryMaxBytes')).toBe(4 * 1024 * 1024);
  });

  it('names only options that exist', () => {
    const unknown = documented.filter(({ option }) => !exists(gatewayOptionsSchema, option));
    expect(unknown.map(({ where, option }) => `${where}: ${option}`)).toEqual([]);
  });

  it('states the default parsing fills in, or none where there is none', () => {
    const wrong: string[] = [];
    for (const { where, option, stated } of documented) {
      const value = stated === undefined ? undefined : statedValue(stated);
      if (value === undefined) continue;
      if (value === 'none') {
        if (defaults.has(option))
          wrong.push(
            `${where}: ${option} says none, the schema ${JSON.stringify(defaults.get(option))}`,
          );
      } else if (!defaults.has(option)) {
        wrong.push(`${where}: ${option} says ${stated}, the schema has no default`);
      } else if (JSON.stringify(defaults.get(option)) !== JSON.stringify(value.value)) {
        wrong.push(
          `${where}: ${option} says ${stated}, the schema ${JSON.stringify(defaults.get(option))}`,
        );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('states every default somewhere', () => {
    const stated = new Set(
      documented
        .filter(({ stated }) => stated !== undefined && typeof statedValue(stated) === 'object')
        .map(({ option }) => option),
    );
    expect([...defaults.keys()].filter((option) => !stated.has(option))).toEqual([]);
  });
});
