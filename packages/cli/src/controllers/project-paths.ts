import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { readServeFile } from '../config-file.js';

/** Where a project's controllers module and manifest are, relative to the working directory. */
export interface ProjectPaths {
  controllers: string;
  manifest: string;
}

const defaultConfigFile = 'herald.config.json';

/** A path the config file at `config` gives, as seen from the working directory. */
export const fromConfigFolder = (config: string | undefined, value: string): string =>
  relative('.', join(dirname(config ?? '.'), value));

/**
 * The `controllers` and `manifest` keys of the config file (`--config`, else herald.config.json
 * when there is one), relative to its folder; without them `src/controllers.ts` and
 * `herald.manifest.json`.
 */
export async function projectPaths(config: string | undefined): Promise<ProjectPaths> {
  const path = config ?? (existsSync(defaultConfigFile) ? defaultConfigFile : undefined);
  const file = path === undefined ? {} : await readServeFile(path);
  return {
    controllers:
      file.controllers === undefined
        ? 'src/controllers.ts'
        : fromConfigFolder(path, file.controllers),
    manifest:
      file.manifest === undefined ? 'herald.manifest.json' : fromConfigFolder(path, file.manifest),
  };
}
