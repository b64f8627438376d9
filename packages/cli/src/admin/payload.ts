import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { UsageError } from '../errors.js';

/**
 * The payload of `publish` and `broadcast`: the `[payload-json]` argument, standard input when
 * it is `-`, or `--payload-file`. Undefined when none is given (an event without payload).
 * Whatever is read must be JSON; the error names where it came from.
 */
export async function readPayload(
  argument: string | undefined,
  file: string | undefined,
): Promise<unknown> {
  if (argument !== undefined && file !== undefined) {
    throw new UsageError(
      'give the payload either as [payload-json] or with --payload-file, not both',
    );
  }
  if (file !== undefined)
    return parsePayload(await readPayloadFile(file), `--payload-file ${file}`);
  if (argument === '-') return parsePayload(await text(process.stdin), 'payload from stdin');
  if (argument !== undefined) return parsePayload(argument, 'payload-json');
  return undefined;
}

async function readPayloadFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'unreadable';
    throw new UsageError(`--payload-file ${path}: cannot read the file (${reason})`);
  }
}

function parsePayload(source: string, from: string): unknown {
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    throw new UsageError(
      `${from}: not valid JSON (${(error as Error).message}); quote a string as '"text"'`,
    );
  }
}
