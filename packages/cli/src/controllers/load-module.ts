import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isController, isProvider, type ExportedController, type Provider } from '@herald/server';
import { ServeConfigError } from '../errors.js';

/** What a controllers module exports: its controller classes and its DI providers. */
export interface ControllersModule {
  /** The module as the user named it, for messages. */
  shown: string;
  /** Its absolute path. */
  path: string;
  controllers: ExportedController[];
  providers: Provider[];
}

const typeScript = new Set(['.ts', '.mts', '.cts']);

/** Registered once per process: tsx then compiles every `.ts` file that is imported. */
let tsxRegistered = false;

async function importModule(path: string): Promise<Record<string, unknown>> {
  // tsx's global loader rather than its scoped `tsImport`: a scoped import would load a second
  // copy of @herald/server, whose decorators would record into maps this process cannot see.
  if (typeScript.has(extname(path)) && !tsxRegistered) {
    const { register } = await import('tsx/esm/api');
    register();
    tsxRegistered = true;
  }
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}

/**
 * True when `path` is a `.ts` file of a CommonJS package (no `"type": "module"` in the nearest
 * package.json): tsx would load it with require(), which cannot load @herald/server, an ES
 * module, and Node's own error does not say why.
 */
function isCommonJsTypeScript(path: string): boolean {
  if (extname(path) !== '.ts') return false;
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type !== 'module';
      } catch {
        return false; // Not this check's to report: the import says what is wrong.
      }
    }
    if (dirname(folder) === folder) return true;
  }
}

/**
 * Imports the controllers module at `shown` (relative to the working directory): `.ts`, `.mts`
 * and `.cts` through tsx, JavaScript as it is. Every failure (no such file, a syntax error, an
 * error thrown while it loads, no controller exported, a bad `providers` export) is a
 * ServeConfigError naming the module (exit 2).
 */
export async function loadControllersModule(shown: string): Promise<ControllersModule> {
  const path = resolve(shown);
  if (!existsSync(path)) throw new ServeConfigError(`${shown}: no such controllers module`);
  if (isCommonJsTypeScript(path)) {
    throw new ServeConfigError(
      `${shown}: a TypeScript module of a CommonJS package cannot import @herald/server: ` +
        `add "type": "module" to its package.json (npm pkg set type=module), or name it .mts`,
    );
  }
  let exports: Record<string, unknown>;
  try {
    exports = await importModule(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ServeConfigError(`${shown}: cannot be imported: ${reason}`);
  }
  const controllers: ExportedController[] = [];
  for (const [name, value] of Object.entries(exports)) {
    // A class exported under two names is one controller: the first name is kept.
    if (isController(value) && !controllers.some(({ controller }) => controller === value)) {
      controllers.push({ export: name, controller: value });
    }
  }
  if (controllers.length === 0) {
    const names = Object.keys(exports);
    throw new ServeConfigError(
      `${shown}: exports no controller (a class declared with @Socket(path)); ` +
        (names.length > 0 ? `it exports ${names.join(', ')}` : 'it exports nothing'),
    );
  }
  return { shown, path, controllers, providers: providersOf(exports.providers, shown) };
}

function providersOf(value: unknown, shown: string): Provider[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new ServeConfigError(
      `${shown}: providers: must be an array of providers (singleton, perConnection or value)`,
    );
  }
  const bad = value.findIndex((item) => !isProvider(item));
  if (bad !== -1) {
    throw new ServeConfigError(
      `${shown}: providers[${bad}]: not a provider: make it with singleton, perConnection or value`,
    );
  }
  return value as Provider[];
}
