import type { Command } from 'commander';
import { plural } from '../admin/output.js';
import { stringify } from 'yaml';
import { asyncApiDocument } from '../codegen/asyncapi-document.js';
import { readManifest } from '../controllers/manifest-file.js';
import { projectPaths } from '../controllers/project-paths.js';
import { writeOutput } from '../output-file.js';
import { UsageError } from '../errors.js';

interface AsyncApiFlags {
  out: string;
  manifest?: string;
  config?: string;
  format?: string;
}

const formats = ['yaml', 'json'];

/** `herald asyncapi`: the manifest as an AsyncAPI 3.0 document (docs/codegen.md). */
export function registerAsyncApiCommand(program: Command): void {
  program
    .command('asyncapi')
    .description('write an AsyncAPI 3.0 document of the namespaces in a manifest')
    .requiredOption('--out <file>', 'the file to write, such as asyncapi.yaml')
    .option('--format <format>', 'yaml or json (default: json for a .json file, else yaml)')
    .option(
      '--manifest <file>',
      'the manifest `herald compile` wrote (default: herald.manifest.json)',
    )
    .option('-c, --config <file>', 'the config file naming the manifest')
    .action(async (flags: AsyncApiFlags) => {
      const format = flags.format ?? (flags.out.endsWith('.json') ? 'json' : 'yaml');
      if (!formats.includes(format)) {
        throw new UsageError(`--format: expected one of ${formats.join(', ')}, got "${format}"`);
      }
      const path = flags.manifest ?? (await projectPaths(flags.config)).manifest;
      const manifest = await readManifest(path);
      const document = asyncApiDocument(manifest, path);
      const text =
        format === 'json'
          ? `${JSON.stringify(document, null, 2)}\n`
          : stringify(document, { aliasDuplicateObjects: false, lineWidth: 100 });
      await writeOutput(flags.out, text);
      process.stdout.write(
        `wrote ${flags.out}: AsyncAPI 3.0 (${format}), ${plural(manifest.namespaces.length, 'namespace')}\n`,
      );
    });
}
