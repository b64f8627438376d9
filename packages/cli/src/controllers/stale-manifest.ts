import { isDeepStrictEqual } from 'node:util';
import { buildManifest, type Manifest } from '@herald/server';
import { ServeConfigError } from '../errors.js';
import type { ControllersModule } from './load-module.js';

/**
 * Refuses a manifest that no longer describes the module (exit 2): a controller it lists that the
 * module does not export, one the module exports that it does not list, or a controller or the
 * providers described differently now. Where the module is (`module`) is not compared: a manifest
 * compiled from `src/controllers.ts` describes the `dist/controllers.js` built from it.
 */
export function checkManifestIsFresh(
  manifest: Manifest,
  manifestPath: string,
  loaded: ControllersModule,
): void {
  const stale = (why: string) =>
    new ServeConfigError(`${manifestPath}: the manifest is stale: run herald compile (${why})`);
  const fresh = buildManifest({
    controllers: loaded.controllers,
    providers: loaded.providers,
    module: manifest.module,
  }).manifest;
  for (const listed of manifest.namespaces) {
    const now = fresh.namespaces.find((entry) => entry.export === listed.export);
    if (!now) throw stale(`it lists ${listed.export}, which ${loaded.shown} does not export`);
    const changed = (Object.keys(listed) as (keyof typeof listed)[]).find(
      (key) => !isDeepStrictEqual(listed[key], now[key]),
    );
    if (changed) throw stale(`${listed.controller}: ${changed} changed in ${loaded.shown}`);
  }
  const added = fresh.namespaces.find(
    (entry) => !manifest.namespaces.some((listed) => listed.export === entry.export),
  );
  if (added) throw stale(`${loaded.shown} exports ${added.export}, which it does not list`);
  if (!isDeepStrictEqual(manifest.providers, fresh.providers)) {
    throw stale(`the providers changed in ${loaded.shown}`);
  }
}
