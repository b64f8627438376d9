import { createRequire } from 'node:module';
import { dirname, extname } from 'node:path';
import type * as TypeScript from 'typescript';
import type { Manifest, ManifestProblem } from '@herald/server';

/** The problems found, or why the rule could not run (said in the summary of `herald validate`). */
export type AckCheck = { problems: ManifestProblem[] } | { skipped: string };

const typeScriptSources = new Set(['.ts', '.mts', '.cts']);

/**
 * The project's own TypeScript, from the entry's folder: it is an optional tool of the project,
 * not a dependency of the CLI.
 */
function loadTypeScript(entry: string): typeof TypeScript | undefined {
  try {
    return createRequire(entry)('typescript') as typeof TypeScript;
  } catch {
    return undefined;
  }
}

/** The project's compiler options (the tsconfig.json nearest the entry), else Node's defaults. */
function compilerOptions(ts: typeof TypeScript, entry: string): TypeScript.CompilerOptions {
  const defaults = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
  };
  const config = ts.findConfigFile(dirname(entry), ts.sys.fileExists);
  if (!config) return { ...defaults, noEmit: true };
  const read = ts.readConfigFile(config, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, dirname(config));
  return { ...defaults, ...parsed.options, noEmit: true };
}

/** True for void, undefined, or a union of them. */
function isNothing(ts: typeof TypeScript, type: TypeScript.Type): boolean {
  if (type.isUnion()) return type.types.every((member) => isNothing(ts, member));
  return (type.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined)) !== 0;
}

/**
 * Events declared `ack: true` whose method returns nothing (void, undefined, Promise<void>): the
 * client asked for an acknowledgement and gets no payload with it. Read from the entry's types
 * with the TypeScript compiler, so only for a TypeScript entry and when TypeScript is installed.
 */
export function ackReturnTypes(manifest: Manifest, entry: string): AckCheck {
  if (!typeScriptSources.has(extname(entry))) return { skipped: 'the entry is JavaScript' };
  const ts = loadTypeScript(entry);
  if (!ts) return { skipped: 'typescript is not installed' };
  const program = ts.createProgram([entry], compilerOptions(ts, entry));
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return { skipped: `TypeScript could not read ${entry}` };
  const exported = new Map(
    checker
      .getExportsOfModule(moduleSymbol)
      .map((symbol) => [symbol.escapedName as string, symbol]),
  );
  const problems: ManifestProblem[] = [];
  for (const namespace of manifest.namespaces) {
    let symbol = exported.get(namespace.export);
    if (!symbol) continue;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const instance = checker.getDeclaredTypeOfSymbol(symbol);
    for (const event of namespace.events.filter(({ ack }) => ack)) {
      const method = checker.getPropertyOfType(instance, event.method);
      if (!method) continue;
      for (const signature of checker.getTypeOfSymbol(method).getCallSignatures()) {
        const returned = checker.getReturnTypeOfSignature(signature);
        if (!isNothing(ts, checker.getAwaitedType(returned) ?? returned)) continue;
        problems.push({
          controller: namespace.controller,
          member: event.method,
          message:
            `event '${event.name}' is declared ack: true but the method returns ` +
            `${checker.typeToString(returned)}: return the acknowledgement's payload`,
        });
        break;
      }
    }
  }
  return { problems };
}
