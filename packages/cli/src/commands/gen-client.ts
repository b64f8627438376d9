import type { Command } from 'commander';
import { plural } from '../admin/output.js';
import { readManifest } from '../controllers/manifest-file.js';
import { projectPaths } from '../controllers/project-paths.js';
import { writeOutput } from '../output-file.js';
import { typeScriptClient } from '../codegen/typescript-client.js';
import { UsageError } from '../errors.js';

interface GenClientFlags {
  lang: string;
  out: string;
  manifest?: string;
  config?: string;
}

/** The languages `--lang` accepts, with what writes each. */
const generators: Record<string, typeof typeScriptClient> = { ts: typeScriptClient };

/** `herald gen-client`: typed clients of the manifest's namespaces (docs/codegen.md). */
export function registerGenClientCommand(program: Command): void {
  program
    .command('gen-client')
    .description('write a typed client of every namespace in a manifest')
    .requiredOption('--lang <lang>', `the language: ${Object.keys(generators).join(', ')}`)
    .requiredOption('--out <file>', 'the file to write, such as clients/chat.ts')
    .option(
      '--manifest <file>',
      'the manifest `herald compile` wrote (default: herald.manifest.json)',
    )
    .option('-c, --config <file>', 'the config file naming the manifest')
    .action(async (flags: GenClientFlags) => {
      const generate = generators[flags.lang];
      if (!generate) {
        throw new UsageError(
          `--lang: "${flags.lang}" is not supported (supported: ${Object.keys(generators).join(', ')})`,
        );
      }
      const path = flags.manifest ?? (await projectPaths(flags.config)).manifest;
      const manifest = await readManifest(path);
      await writeOutput(flags.out, generate(manifest, path));
      const paths = manifest.namespaces.map((namespace) => namespace.path).join(', ');
      process.stdout.write(
        `wrote ${flags.out}: ${plural(manifest.namespaces.length, 'namespace client')}${paths ? ` (${paths})` : ''}\n`,
      );
    });
}
