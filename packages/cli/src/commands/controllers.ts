import type { Command } from 'commander';
import { registerCompileCommand } from './compile.js';
import { registerInspectCommand } from './inspect.js';
import { registerValidateCommand } from './validate.js';

/** `herald compile`, `validate` and `inspect`: the commands about controllers and their manifest. */
export function registerControllerCommands(program: Command): void {
  registerCompileCommand(program);
  registerValidateCommand(program);
  registerInspectCommand(program);
}
