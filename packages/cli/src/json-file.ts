import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ServeConfigError } from './errors.js';
import { validate } from './validation-messages.js';

/**
 * Reads a JSON file and checks it against `schema`; every error is a ServeConfigError (exit 2)
 * whose lines start with `path`. `what` names the file in messages: `the config file`. Returns
 * the JSON as written: defaults are filled in by whoever reads it.
 */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
  what: string,
): Promise<z.input<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'unreadable';
    throw new ServeConfigError(`${path}: cannot read ${what} (${reason})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ServeConfigError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  const result = validate(schema, json, path);
  if (!result.ok) throw new ServeConfigError(result.problems.join('\n'));
  return json as z.input<S>;
}
