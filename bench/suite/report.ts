/**
 * Turns result files into one SVG chart per case and the README's performance tables, written
 * between `<!-- bench:start -->` and `<!-- bench:end -->`: numbers are never copied by hand.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { barChart } from './chart.js';
import { serverNames, type ServerName } from './protocol.js';
import type { CaseResult } from './result.js';

const serverLabels: Record<ServerName, string> = {
  herald: 'Herald',
  ws: 'bare ws',
  socketio: 'Socket.IO',
};
/** A server's label; variants (other keys) are labelled by their key. */
const labelOf = (key: string) => serverLabels[key as ServerName] ?? key;
/** The three servers first, then any variants in the order the case wrote them. */
const keysOf = (result: CaseResult) => [
  ...serverNames.filter((s) => s in result.servers),
  ...Object.keys(result.servers).filter((k) => !serverNames.includes(k as ServerName)),
];

export const startMarker = '<!-- bench:start -->';
export const endMarker = '<!-- bench:end -->';

export function chartFor(result: CaseResult): string {
  const metric = result.metrics[0];
  if (!metric) throw new Error(`result '${result.case}' has no metrics`);
  const bars = keysOf(result).flatMap((server) => {
    const value = result.servers[server]?.[metric.key];
    return value === undefined ? [] : [{ label: labelOf(server), value }];
  });
  return barChart(`${result.case}: ${metric.label}`, metric.unit, bars);
}

const formatNumber = (n: number) =>
  Number.isInteger(n) ? n.toLocaleString('en-US') : String(Number(n.toPrecision(4)));

/** A markdown section for one case: parameters, a row per server, the Herald ratios. */
export function tableFor(result: CaseResult): string {
  const header = ['server', ...result.metrics.map((m) => `${m.label} (${m.unit})`)];
  const rows = keysOf(result).flatMap((server) => {
    const values = result.servers[server];
    if (!values) return [];
    return [
      [labelOf(server), ...result.metrics.map((m) => formatNumber(values[m.key] ?? Number.NaN))],
    ];
  });
  const ratioRow = (label: string, key: 'heraldVsWs' | 'heraldVsSocketIo') => [
    label,
    ...result.metrics.map((m) => {
      const r = result.ratios[m.key]?.[key];
      return r === undefined ? '–' : `${r}×`;
    }),
  ];
  const lines = [
    header,
    header.map(() => '---'),
    ...rows,
    ratioRow('Herald / ws', 'heraldVsWs'),
    ratioRow('Herald / Socket.IO', 'heraldVsSocketIo'),
  ];
  const parameters = Object.entries(result.parameters)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `**${result.case}** ([results](bench/results/${result.case}.json), [chart](bench/results/${result.case}.svg)): ${result.description}; ${parameters}. Node ${result.node}, ${result.cpus} × ${result.cpuModel}, ${result.date.slice(0, 10)}.`,
    '',
    ...lines.map((cells) => `| ${cells.join(' | ')} |`),
    ...(result.notes ?? []).map((note, i) => `${i === 0 ? '\n' : ''}- ${note}`),
  ].join('\n');
}

/** Replaces what lies between the markers in `readme`, and nothing else. */
export function replaceSection(readme: string, section: string): string {
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start < 0 || end < start)
    throw new Error(`README needs ${startMarker} followed by ${endMarker}`);
  return `${readme.slice(0, start + startMarker.length)}\n\n${section}\n\n${readme.slice(end)}`;
}

/**
 * Reads the result of each case in `caseNames` found in `resultsDir`, writes its chart beside
 * it, and regenerates `readmePath`.
 */
export async function writeReport(
  resultsDir: string,
  readmePath: string,
  caseNames: readonly string[],
): Promise<void> {
  const present = new Set(await readdir(resultsDir));
  const files = caseNames.map((name) => `${name}.json`).filter((f) => present.has(f));
  const results: CaseResult[] = [];
  for (const file of files) {
    const result = JSON.parse(await readFile(join(resultsDir, file), 'utf8')) as CaseResult;
    results.push(result);
    await writeFile(join(resultsDir, `${result.case}.svg`), chartFor(result));
  }
  const readme = await readFile(readmePath, 'utf8');
  const updated = replaceSection(readme, results.map(tableFor).join('\n\n'));
  // The repository's formatter aligns the tables, so `format:check` holds after a run.
  const options = { ...(await resolveConfig(readmePath)), filepath: readmePath };
  await writeFile(readmePath, await format(updated, options));
}
