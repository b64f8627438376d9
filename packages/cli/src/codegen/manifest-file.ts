import { readFile } from 'node:fs/promises';
import {
  manifestSchema,
  manifestVersion,
  type Manifest,
  type ManifestNamespace,
} from '@herald/server';
import { UsageError } from '../errors.js';
import { validate } from '../validation-messages.js';

/** Where `herald compile` writes the manifest, and where the generators look for it. */
export const defaultManifestPath = 'herald.manifest.json';

/**
 * Reads `herald.manifest.json` (docs/manifest.md). A missing or malformed file is a UsageError
 * whose message starts with the path and says what to do.
 */
export async function readManifest(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError(
      missing
        ? `${path}: no such file (write it with \`herald compile\`, or name it with --manifest)`
        : `${path}: cannot read the manifest (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== manifestVersion) {
    throw new UsageError(
      `${path}: manifest version ${version} is not supported (this herald reads version ${manifestVersion}); run \`herald compile\` again`,
    );
  }
  const result = validate(manifestSchema, json, path);
  if (!result.ok) throw new UsageError(result.problems.join('\n'));
  return result.value;
}

/** A namespace's channel patterns, once each: a pattern often has a subscribe and an unsubscribe handler. */
export function channelPatterns(namespace: ManifestNamespace): ManifestNamespace['channels'] {
  const seen = new Set<string>();
  return namespace.channels.filter(({ pattern }) => !seen.has(pattern) && seen.add(pattern));
}
