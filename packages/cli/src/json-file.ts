import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ServeConfigError } from './errors.js';
import { validate } from './validation-messages.js';

/**
 * The JSON in the file at `path`. A file that cannot be read or is not JSON is a ServeConfigError
 * (exit 2) starting with `path`; `what` names the file (`the config file`), `missing` is the
 * message for a file that does not exist, when it has more to say than that.
 */
export async function readJson(path: string, what: string, missing?: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && missing !== undefined) throw new ServeConfigError(missing);
    const reason = code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable');
    throw new ServeConfigError(`${path}: cannot read ${what} (${reason})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ServeConfigError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads a JSON file and checks it against `schema`, as `readJson`; every problem is a line of
 * the ServeConfigError, starting with `path`. Returns the JSON as written: defaults are filled
 * in by whoever reads it.
 */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
  what: string,
): Promise<z.input<S>> {
  const json = await readJson(path, what);
  const result = validate(schema, json, path);
  if (!result.ok) throw new ServeConfigError(result.problems.join('\n'));
  return json as z.input<S>;
}
