import type { Command } from 'commander';
import type { BroadcastAnswer, PublishAnswer, StreamPosition } from '../admin/api-types.js';
import { apiClient, withApiOptions, type ApiFlags } from '../admin/connection-options.js';
import { printAnswer } from '../admin/output.js';
import { readPayload } from '../admin/payload.js';
import { formatTable } from '../admin/table.js';
import { ApiError } from '../errors.js';

interface PublishFlags extends ApiFlags {
  payloadFile?: string;
  tenant?: string;
}

/** `herald publish` and `herald broadcast`: an event to one channel, or the same to many. */
export function registerPublishCommands(program: Command): void {
  withApiOptions(
    program
      .command('publish')
      .description("publish an event to a channel's subscribers on every node")
      .argument('<channel>', 'the channel')
      .argument('<event>', 'the event name')
      .argument('[payload-json]', 'the payload as JSON; - reads it from standard input')
      .option('--payload-file <file>', 'read the JSON payload from a file')
      .option('--tenant <tenant>', "a tenant's channel"),
  ).action(
    async (
      channel: string,
      event: string,
      payloadJson: string | undefined,
      flags: PublishFlags,
    ) => {
      const payload = await readPayload(payloadJson, flags.payloadFile);
      const answer = await apiClient(flags).publish({
        channel,
        event,
        ...(payload !== undefined && { payload }),
        ...(flags.tenant !== undefined && { tenant: flags.tenant }),
      });
      printAnswer(
        flags.json,
        answer,
        (published: PublishAnswer) =>
          `published ${event} to ${channel}${positionText(published.position)}`,
      );
    },
  );

  withApiOptions(
    program
      .command('broadcast')
      .description('publish the same event to several channels')
      .argument('<event>', 'the event name')
      .argument('[payload-json]', 'the payload as JSON; - reads it from standard input')
      .requiredOption('--channel <channels...>', 'the channels (repeat the flag or list them)')
      .option('--payload-file <file>', 'read the JSON payload from a file')
      .option('--tenant <tenant>', "a tenant's channels"),
  ).action(
    async (
      event: string,
      payloadJson: string | undefined,
      flags: PublishFlags & { channel: string[] },
    ) => {
      const payload = await readPayload(payloadJson, flags.payloadFile);
      const answer = await apiClient(flags).broadcast({
        channels: flags.channel,
        event,
        ...(payload !== undefined && { payload }),
        ...(flags.tenant !== undefined && { tenant: flags.tenant }),
      });
      printAnswer(flags.json, answer, broadcastText);
      // Some channels refused: the others were published to, but the command did not fully succeed.
      const refused = answer.results.find((result) => 'error' in result);
      if (refused && 'error' in refused) {
        throw new ApiError(refused.error.code, `${refused.channel}: ${refused.error.message}`);
      }
    },
  );
}

function positionText(position: StreamPosition | undefined): string {
  return position ? ` (offset ${position.offset}, epoch ${position.epoch})` : '';
}

function broadcastText(answer: BroadcastAnswer): string {
  const rows = answer.results.map((result) =>
    'error' in result
      ? [result.channel, `${result.error.code}: ${result.error.message}`, undefined]
      : [result.channel, 'published', result.position?.offset],
  );
  return `${formatTable(['channel', 'result', 'offset'], rows)}\npublished to ${answer.published} of ${answer.results.length} channels`;
}
