import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import {
  buildManifest,
  manifestJsonSchema,
  manifestSchema,
  manifestVersion,
  type Manifest,
  type ManifestProblem,
} from '@herald/server';
import { UsageError } from '../errors.js';
import { writeOutput } from '../output-file.js';
import { validate } from '../validation-messages.js';
import type { ControllersModule } from './load-module.js';

/** The JSON Schema of the format, written beside every manifest for editors. */
export const schemaFileName = 'herald.manifest.schema.json';

/** The manifest of `loaded`, its `module` relative to the folder of `manifestPath`. */
export function manifestOf(
  loaded: ControllersModule,
  manifestPath: string,
): { manifest: Manifest; problems: ManifestProblem[] } {
  // The manifest is shared across machines: its paths use / whatever the system's separator.
  const module = relative(dirname(manifestPath), loaded.path).split(sep).join('/');
  return buildManifest({ controllers: loaded.controllers, providers: loaded.providers, module });
}

/** Writes `manifest` at `path` with `$schema` pointing to the format's schema, written beside it. */
export async function writeManifest(path: string, manifest: Manifest): Promise<void> {
  // `$schema` first, where readers look for it (buildManifest writes none).
  await writeOutput(path, json({ $schema: `./${schemaFileName}`, ...manifest }));
  await writeOutput(join(dirname(path), schemaFileName), json(manifestJsonSchema()));
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Reads and checks a manifest (docs/manifest.md). A missing, malformed or other-version file is a
 * UsageError (exit 2) whose message starts with the path and says what to do.
 */
export async function readManifest(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `${path}: no such file (write it with \`herald compile\`, or name it with --manifest)`
        : `${path}: cannot read the manifest (${code ?? 'unreadable'})`,
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
