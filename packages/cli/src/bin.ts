#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError, ListenError } from '@herald/server';
import { registerCodegenCommands } from './codegen/commands.js';
import { registerChannelReadCommands } from './commands/channel-reads.js';
import { registerControllerCommands } from './commands/controllers.js';
import { registerKickCommand } from './commands/kick.js';
import { registerPublishCommands } from './commands/publish.js';
import { registerPurgeRoomCommand } from './commands/purge-room.js';
import { registerStatsCommand } from './commands/stats.js';
import { registerTailCommand } from './commands/tail.js';
import { registerTokenCommand } from './commands/token.js';
import { loadServeConfig, type ServeFlags } from './config.js';
import { CliError, ExitCode } from './errors.js';
import { serve } from './serve.js';

const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

// exitOverride: every failure, commander's own included, ends in the catch below with its code.
const program = new Command('herald')
  .description('Herald real-time WebSocket gateway')
  .version(version, '-V, --version', 'print the version of @herald/cli')
  .exitOverride();

program
  .command('serve')
  .description('run a standalone gateway')
  .option('-c, --config <file>', 'JSON config file')
  .option('-p, --port <port>', 'port to listen on (overrides WS_PORT)')
  .option('-H, --host <host>', 'address to listen on (overrides WS_HOST)')
  .option('--controllers <module>', 'register the controllers this module exports')
  .option('--manifest <file>', 'check the controllers against this herald.manifest.json')
  .action(async (options: ServeFlags & { config?: string }) => {
    const { config, ...flags } = options;
    await serve(await loadServeConfig(config, process.env, flags));
  });

// Admin commands: they talk to a running server (its HTTP API, or a WebSocket for `tail`).
registerPublishCommands(program);
registerKickCommand(program);
registerPurgeRoomCommand(program);
registerChannelReadCommands(program);
registerStatsCommand(program);
registerTailCommand(program);
registerTokenCommand(program);
registerControllerCommands(program);
registerCodegenCommands(program);

program.parseAsync().catch((error: unknown) => {
  process.exit(report(error));
});

/** Writes what went wrong to stderr (commander already has) and says which code to exit with. */
function report(error: unknown): ExitCode {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.badConfig;
  }
  const known =
    error instanceof CliError || error instanceof ConfigError || error instanceof ListenError;
  const message = known ? error.message : String(error);
  for (const line of message.split('\n')) process.stderr.write(`herald: ${line}\n`);
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ListenError) return ExitCode.cannotListen;
  return known ? ExitCode.badConfig : ExitCode.failure;
}
