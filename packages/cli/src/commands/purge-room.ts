import type { Command } from 'commander';
import type { BatchAnswer } from '../admin/api-types.js';
import { apiClient, withApiOptions, type ApiFlags } from '../admin/connection-options.js';
import { plural, printAnswer } from '../admin/output.js';
import { ApiError } from '../errors.js';

/**
 * `herald purge-room`: forgets a channel's history and ends every subscription to it, in one
 * batch request (history first, so that nobody resubscribing recovers what was purged).
 */
export function registerPurgeRoomCommand(program: Command): void {
  withApiOptions(
    program
      .command('purge-room')
      .description("remove a channel's history and unsubscribe everyone from it")
      .argument('<channel>', 'the channel')
      .option('--tenant <tenant>', "a tenant's channel"),
  ).action(async (channel: string, flags: ApiFlags & { tenant?: string }) => {
    const params = { channel, ...(flags.tenant !== undefined && { tenant: flags.tenant }) };
    const answer = await apiClient(flags).batch([
      { method: 'history.remove', params },
      { method: 'unsubscribe', params },
    ]);
    printAnswer(flags.json, answer, (batch) => purgeText(channel, batch));
    const failed = answer.results.find((result) => 'error' in result);
    if (failed && 'error' in failed) {
      throw new ApiError(failed.error.code, failed.error.message, failed.error.details);
    }
  });
}

function purgeText(channel: string, { results: [removed, unsubscribed] }: BatchAnswer): string {
  const lines: string[] = [];
  if (removed && 'result' in removed) lines.push(`removed the history of ${channel}`);
  if (unsubscribed && 'result' in unsubscribed) {
    const { unsubscribed: count } = unsubscribed.result as { unsubscribed: number };
    lines.push(`unsubscribed ${plural(count, 'connection')} from ${channel}`);
  }
  return lines.join('\n') || `nothing purged on ${channel}`;
}
