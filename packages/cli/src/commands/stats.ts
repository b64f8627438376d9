import type { Command } from 'commander';
import type { InfoAnswer } from '../admin/api-types.js';
import { apiClient, withApiOptions, type ApiFlags } from '../admin/connection-options.js';
import { plural, printAnswer } from '../admin/output.js';
import { formatTable } from '../admin/table.js';

/** `herald stats`: every node of the cluster, its health and counters. */
export function registerStatsCommand(program: Command): void {
  withApiOptions(
    program
      .command('stats')
      .description('every node of the cluster: health, connections, messages'),
  ).action(async (flags: ApiFlags) => {
    printAnswer(flags.json, await apiClient(flags).info(), statsText);
  });
}

function statsText({ nodes }: InfoAnswer): string {
  const rows = nodes.map(({ node, version, uptime, health, stats, namespaces }) => [
    node,
    version,
    health.status,
    durationText(uptime),
    stats.connections.active,
    stats.messages.in,
    stats.messages.out,
    namespaces.join(' '),
  ]);
  const headings = [
    'node',
    'version',
    'health',
    'uptime',
    'connections',
    'in',
    'out',
    'namespaces',
  ];
  const total = nodes.reduce((sum, { stats }) => sum + stats.connections.active, 0);
  return `${formatTable(headings, rows)}\n${plural(nodes.length, 'node')}, ${plural(total, 'connection')}`;
}

/** Milliseconds as `3d 4h`, `2h 5m`, `4m 10s` or `12s`: the two largest units. */
function durationText(milliseconds: number): string {
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = Math.floor(milliseconds / 1000);
  const parts: string[] = [];
  for (const [unit, seconds] of units) {
    const count = Math.floor(rest / seconds);
    rest -= count * seconds;
    if (count > 0 || (parts.length === 0 && unit === 's')) parts.push(`${count}${unit}`);
  }
  return parts.slice(0, 2).join(' ');
}
