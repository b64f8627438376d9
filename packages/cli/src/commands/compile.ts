import type { Command } from 'commander';
import { plural } from '../admin/output.js';
import { loadControllersModule } from '../controllers/load-module.js';
import { manifestOf, schemaFileName, writeManifest } from '../controllers/manifest-file.js';
import { projectPaths } from '../controllers/project-paths.js';
import { problemLine } from '../controllers/validate-controllers.js';
import { CliError, ExitCode } from '../errors.js';

/** `herald compile [entry]`: the controllers module described as herald.manifest.json. */
export function registerCompileCommand(program: Command): void {
  program
    .command('compile')
    .description('describe the controllers of a module in herald.manifest.json')
    .argument(
      '[entry]',
      'the controllers module (default: "controllers" of herald.config.json, else src/controllers.ts)',
    )
    .option(
      '--out <file>',
      'the manifest to write (default: "manifest" of herald.config.json, else herald.manifest.json)',
    )
    .option('-c, --config <file>', 'the config file (default: herald.config.json if there is one)')
    .action(async (entry: string | undefined, flags: { out?: string; config?: string }) => {
      const paths = await projectPaths(flags.config);
      const loaded = await loadControllersModule(entry ?? paths.controllers);
      const out = flags.out ?? paths.manifest;
      const { manifest, problems } = manifestOf(loaded, out);
      if (problems.length > 0) {
        throw new CliError(
          [
            ...problems.map(problemLine),
            `${out} not written: ${plural(problems.length, 'problem')}`,
          ].join('\n'),
          ExitCode.failure,
        );
      }
      await writeManifest(out, manifest);
      const events = manifest.namespaces.reduce((sum, { events }) => sum + events.length, 0);
      process.stdout.write(
        `wrote ${out} (${plural(manifest.namespaces.length, 'controller')}, ` +
          `${plural(events, 'event')}) and ${schemaFileName} beside it\n`,
      );
    });
}
