import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { clientDefaults, jsonCodec } from '@herald/client';

/**
 * docs/client.md states every option default in tables whose columns include `option` and
 * `default`. A default cell that starts with a backticked value (`10000`, `'query'`, `true`,
 * `{ maxSize: 100, overflow: 'drop-oldest' }`, an export such as `jsonCodec`) documents that
 * value; anything else (—, prose) documents no default. Options of an object (`reconnect`) may be
 * listed one by one as `reconnect.initialDelay`.
 */
const docs = readFileSync(new URL('../../../docs/client.md', import.meta.url), 'utf8');

/** Exports that a default cell may name. */
const namedValues: Record<string, unknown> = { jsonCodec };

interface DocumentedDefault {
  option: string;
  /** The backticked value, or undefined when the cell documents none. */
  text: string | undefined;
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());
}

function documentedDefaults(markdown: string): DocumentedDefault[] {
  const rows: DocumentedDefault[] = [];
  const lines = markdown.split('\n');
  lines.forEach((line, index) => {
    if (!line.startsWith('|')) return;
    const header = cells(line);
    const defaultColumn = header.indexOf('default');
    if (header[0] !== 'option' || defaultColumn < 0) return;
    for (const row of lines.slice(index + 2)) {
      if (!row.startsWith('|')) break;
      const [option = '', ...rest] = cells(row);
      const cell = rest[defaultColumn - 1] ?? '';
      rows.push({ option: option.replace(/`/g, ''), text: /^`([^`]+)`/.exec(cell)?.[1] });
    }
  });
  return rows;
}

/** A backticked default as a value: an export by name, else a JS literal written as in the docs. */
function parseValue(text: string): unknown {
  if (text in namedValues) return namedValues[text];
  const json = text
    .replace(/'([^']*)'/g, '"$1"')
    .replace(/([{,]\s*)([A-Za-z_$][\w$]*)\s*:/g, '$1"$2":');
  return JSON.parse(json);
}

function lookUp(path: string): { found: boolean; value: unknown } {
  let value: unknown = clientDefaults;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !(key in value)) {
      return { found: false, value: undefined };
    }
    value = (value as Record<string, unknown>)[key];
  }
  return { found: true, value };
}

describe('docs/client.md option defaults', () => {
  const rows = documentedDefaults(docs);
  const documented = new Map(
    rows.flatMap((row) => (row.text === undefined ? [] : [[row.option, row.text] as const])),
  );

  it('reads the option tables', () => {
    expect(rows.map((row) => row.option)).toEqual(
      expect.arrayContaining(['tokenTransport', 'connectTimeout', 'reconnect.initialDelay']),
    );
  });

  it('documents each default as clientDefaults has it', () => {
    const wrong = [...documented].flatMap(([option, text]) => {
      const actual = lookUp(option);
      if (!actual.found) return [`${option}: documented \`${text}\`, not in clientDefaults`];
      let value: unknown;
      try {
        value = parseValue(text);
      } catch {
        return [`${option}: documented \`${text}\`, which is not a value`];
      }
      if (isDeepStrictEqual(actual.value, value)) return [];
      return [
        `${option}: documented \`${text}\`, clientDefaults has ${JSON.stringify(actual.value)}`,
      ];
    });
    expect(wrong).toEqual([]);
  });

  it('documents every default in clientDefaults', () => {
    const isDocumented = (path: string, value: unknown): boolean =>
      documented.has(path) ||
      (typeof value === 'object' &&
        value !== null &&
        Object.entries(value).every(([key, inner]) => isDocumented(`${path}.${key}`, inner)));
    const missing = Object.entries(clientDefaults)
      .filter(([option, value]) => !isDocumented(option, value))
      .map(([option]) => option);
    expect(missing).toEqual([]);
  });
});
