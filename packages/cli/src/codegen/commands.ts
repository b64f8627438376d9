import type { Command } from 'commander';
import { registerAsyncApiCommand } from '../commands/asyncapi.js';
import { registerGenClientCommand } from '../commands/gen-client.js';

/** The commands that write code and documents from `herald.manifest.json`. */
export function registerCodegenCommands(program: Command): void {
  registerGenClientCommand(program);
  registerAsyncApiCommand(program);
}
