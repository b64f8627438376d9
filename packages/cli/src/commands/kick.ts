import type { Command } from 'commander';
import type { Target } from '../admin/api-types.js';
import { apiClient, withApiOptions, type ApiFlags } from '../admin/connection-options.js';
import { integerFlag } from '../admin/numbers.js';
import { plural, printAnswer } from '../admin/output.js';
import { UsageError } from '../errors.js';

interface KickFlags extends ApiFlags, Target {
  code?: string;
  reason?: string;
}

const targetFlags = ['user', 'connection', 'tenant', 'role', 'namespace'] as const;

/** `herald kick`: closes the matching connections on every node. */
export function registerKickCommand(program: Command): void {
  withApiOptions(
    program
      .command('kick')
      .description('disconnect connections on every node (all the given fields must match)')
      .option('--user <id>', "the user's connections")
      .option('--connection <id>', 'one connection')
      .option('--tenant <tenant>', "a tenant's connections")
      .option('--role <role>', 'connections with this role')
      .option('--namespace <pattern>', "a namespace's connections")
      .option('--code <code>', 'the WebSocket close code, 4000 to 4999 (server default 4011)')
      .option('--reason <text>', 'the close reason the clients get'),
  ).action(async (flags: KickFlags) => {
    const target: Target = {};
    for (const field of targetFlags) if (flags[field] !== undefined) target[field] = flags[field];
    if (Object.keys(target).length === 0) {
      throw new UsageError(
        `kick: give at least one of ${targetFlags.map((f) => `--${f}`).join(', ')}`,
      );
    }
    const code = integerFlag('--code', flags.code);
    const answer = await apiClient(flags).disconnect({
      ...target,
      ...(code !== undefined && { code }),
      ...(flags.reason !== undefined && { reason: flags.reason }),
    });
    printAnswer(
      flags.json,
      answer,
      ({ disconnected }) => `disconnected ${plural(disconnected, 'connection')}`,
    );
  });
}
