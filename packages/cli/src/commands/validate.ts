import type { Command } from 'commander';
import { loadControllersModule } from '../controllers/load-module.js';
import { manifestOf } from '../controllers/manifest-file.js';
import { projectPaths } from '../controllers/project-paths.js';
import { problemLine, validateControllers } from '../controllers/validate-controllers.js';
import { CliError, ExitCode } from '../errors.js';

/** `herald validate [entry]`: what would go wrong with these controllers, before serving them. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check the controllers of a module: conflicts, duplicates, schemas, providers')
    .argument(
      '[entry]',
      'the controllers module (default: "controllers" of herald.config.json, else src/controllers.ts)',
    )
    .option('-c, --config <file>', 'the config file (default: herald.config.json if there is one)')
    .action(async (entry: string | undefined, flags: { config?: string }) => {
      const paths = await projectPaths(flags.config);
      const loaded = await loadControllersModule(entry ?? paths.controllers);
      const { manifest, problems } = manifestOf(loaded, paths.manifest);
      const validation = validateControllers(manifest, problems, loaded.path);
      if (validation.problems.length > 0) {
        const lines = [...validation.problems.map(problemLine), validation.summary];
        throw new CliError(lines.join('\n'), ExitCode.failure);
      }
      process.stdout.write(`${validation.summary}\n`);
    });
}
