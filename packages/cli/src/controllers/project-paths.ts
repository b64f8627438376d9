import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { readServeFile } from '../config-file.js';

/** Where a project's controllers module and manifest are, relative to the working directory. */
export interface ProjectPaths {
  controllers: string;
  manifest: string;
}

export const defaultConfigFile = 'herald.config.json';

/**
 * The `controllers` and `manifest` keys of the config file (`--config`, else herald.config.json
 * when there is one), relative to its folder; without them `src/controllers.ts` and
 * `herald.manifest.json`.
 */
export async function projectPaths(config: string | undefined): Promise<ProjectPaths> {
  const path = config ?? (existsSync(defaultConfigFile) ? defaultConfigFile : undefined);
  const file = path === undefined ? {} : await readServeFile(path);
  const fromFile = (value: string) => relative('.', join(dirname(path ?? '.'), value));
  return {
    controllers: file.controllers === undefined ? 'src/controllers.ts' : fromFile(file.controllers),
    manifest: file.manifest === undefined ? 'herald.manifest.json' : fromFile(file.manifest),
  };
}
