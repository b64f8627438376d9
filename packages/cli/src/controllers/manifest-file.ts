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
import { readJson } from '../json-file.js';
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
 * Reads and checks a manifest (docs/manifest.md). A missing, malformed or other-version file is
 * refused with exit 2, in a message that starts with the path and says what to do.
 */
export async function readManifest(path: string): Promise<Manifest> {
  const json = await readJson(
    path,
    'the manifest',
    `${path}: no such file (write it with \`herald compile\`, or name it with --manifest)`,
  );
  // Before the schema, whose message would only name the field.
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
