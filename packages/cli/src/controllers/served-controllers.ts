import { dirname, join, relative } from 'node:path';
import type { Gateway } from '@herald/server';
import { loadControllersModule, type ControllersModule } from './load-module.js';
import { readManifest } from './manifest-file.js';
import { checkManifestIsFresh } from './stale-manifest.js';

/** What `herald serve` runs besides its config's namespaces (paths relative to the working directory). */
export interface ServedControllers {
  /** `--controllers`, or the config's `controllers`. */
  module?: string;
  /** `--manifest`, or the config's `manifest`: checked against the module. */
  manifest?: string;
}

/**
 * The controllers module to serve, checked against the manifest when there is one; without
 * `module`, the manifest's own `module` (relative to the manifest's folder) is imported.
 * Undefined when neither is set.
 */
export async function loadServedControllers(
  served: ServedControllers,
): Promise<ControllersModule | undefined> {
  if (served.manifest === undefined) {
    return served.module === undefined ? undefined : loadControllersModule(served.module);
  }
  const manifest = await readManifest(served.manifest);
  const module = served.module ?? relative('.', join(dirname(served.manifest), manifest.module));
  const loaded = await loadControllersModule(module);
  checkManifestIsFresh(manifest, served.manifest, loaded);
  return loaded;
}

/** Gives the gateway the module's providers, then its controllers; register checks them at once. */
export function registerControllers(gateway: Gateway, loaded: ControllersModule): void {
  gateway.provide(...loaded.providers);
  gateway.register(...loaded.controllers.map(({ controller }) => controller));
}
