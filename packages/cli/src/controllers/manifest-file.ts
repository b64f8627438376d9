import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import {
  buildManifest,
  manifestJsonSchema,
  manifestSchema,
  type Manifest,
  type ManifestProblem,
} from '@herald/server';
import { readJsonFile } from '../json-file.js';
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
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  await writeJson(join(folder, schemaFileName), manifestJsonSchema());
  // First, where readers look for it (buildManifest writes none).
  await writeJson(path, { $schema: `./${schemaFileName}`, ...manifest });
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads and checks a manifest; a bad one is refused naming the file and the field (exit 2). */
export async function readManifest(path: string): Promise<Manifest> {
  return readJsonFile(path, manifestSchema, 'the manifest');
}
