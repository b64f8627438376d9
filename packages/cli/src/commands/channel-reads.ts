import type { Command } from 'commander';
import type { ChannelsAnswer, HistoryAnswer, PresenceAnswer } from '../admin/api-types.js';
import { apiClient, withApiOptions, type ApiFlags } from '../admin/connection-options.js';
import { integerFlag } from '../admin/numbers.js';
import { compactJson, plural, printAnswer } from '../admin/output.js';
import { formatTable } from '../admin/table.js';

interface TenantFlags extends ApiFlags {
  tenant?: string;
}

/** `herald presence`, `herald history` and `herald channels`: what the channels hold now. */
export function registerChannelReadCommands(program: Command): void {
  withApiOptions(
    program
      .command('presence')
      .description('who is subscribed to a channel (channels with presence)')
      .argument('<channel>', 'the channel')
      .option('--tenant <tenant>', "a tenant's channel"),
  ).action(async (channel: string, flags: TenantFlags) => {
    const answer = await apiClient(flags).presence({ channel, ...tenantOf(flags) });
    printAnswer(flags.json, answer, presenceText);
  });

  withApiOptions(
    program
      .command('history')
      .description("a channel's last publications (channels with history)")
      .argument('<channel>', 'the channel')
      .option('--limit <n>', 'at most this many publications')
      .option('--since <offset>', 'only publications after this offset')
      .option('--reverse', 'newest first')
      .option('--tenant <tenant>', "a tenant's channel"),
  ).action(
    async (
      channel: string,
      flags: TenantFlags & { limit?: string; since?: string; reverse?: boolean },
    ) => {
      const limit = integerFlag('--limit', flags.limit);
      const since = integerFlag('--since', flags.since);
      const answer = await apiClient(flags).history({
        channel,
        ...tenantOf(flags),
        ...(limit !== undefined && { limit }),
        ...(since !== undefined && { since }),
        ...(flags.reverse && { reverse: true }),
      });
      printAnswer(flags.json, answer, historyText);
    },
  );

  withApiOptions(
    program
      .command('channels')
      .description('channels with subscribers on every node, and how many')
      .option(
        '--pattern <glob>',
        "only channels matching it; * is any run of characters, e.g. 'chat:*'",
      )
      .option('--tenant <tenant>', "only a tenant's channels"),
  ).action(async (flags: TenantFlags & { pattern?: string }) => {
    const answer = await apiClient(flags).channels({
      ...tenantOf(flags),
      ...(flags.pattern !== undefined && { pattern: flags.pattern }),
    });
    printAnswer(flags.json, answer, channelsText);
  });
}

function tenantOf(flags: TenantFlags): { tenant?: string } {
  return flags.tenant === undefined ? {} : { tenant: flags.tenant };
}

function presenceText({ channel, clients, stats }: PresenceAnswer): string {
  const rows = clients.map((client) => [
    client.connectionId,
    client.userId,
    compactJson(client.info),
  ]);
  const summary = `${channel}: ${plural(stats.connections, 'connection')}, ${plural(stats.users, 'user')}`;
  return `${formatTable(['connection', 'user', 'info'], rows)}\n${summary}`;
}

function historyText({ channel, publications, offset, epoch }: HistoryAnswer): string {
  const rows = publications.map((publication) => [
    publication.offset,
    timeText(publication.time),
    publication.event,
    compactJson(publication.payload),
  ]);
  const summary = `${channel}: stream at offset ${offset}, epoch ${epoch}`;
  return `${formatTable(['offset', 'time', 'event', 'payload'], rows)}\n${summary}`;
}

function channelsText({ channels }: ChannelsAnswer): string {
  const withTenants = channels.some((channel) => channel.tenant !== undefined);
  const headings = withTenants ? ['channel', 'subscribers', 'tenant'] : ['channel', 'subscribers'];
  const rows = channels.map((entry) => [entry.channel, entry.subscribers, entry.tenant]);
  return formatTable(headings, rows, 'no channel has subscribers');
}

/** Milliseconds since the epoch (as the gateway stamps publications) shown as an ISO date. */
function timeText(time: number | string | undefined): string | undefined {
  return typeof time === 'number' ? new Date(time).toISOString() : time;
}
