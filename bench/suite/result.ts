import { cpus } from 'node:os';

export interface Metric {
  key: string;
  label: string;
  unit: string;
}

/** What a case writes to bench/results/<case>.json. */
export interface CaseResult {
  case: string;
  description: string;
  date: string;
  node: string;
  cpuModel: string;
  cpus: number;
  parameters: Record<string, number>;
  /** The first metric is the one charted. */
  metrics: Metric[];
  /** Per server (or server variant, e.g. Herald with another option), its medians. */
  servers: Record<string, Record<string, number>>;
  rounds: Record<string, Record<string, number>[]>;
  /** What a reader must know to read the numbers (limits met, what was left out). */
  notes?: string[];
  /** Herald's value divided by each other server's, per metric. */
  ratios: Record<string, { heraldVsWs?: number; heraldVsSocketIo?: number }>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? undefined : Number((a / b).toFixed(3));

/** The `p`-th percentile (0–100) of `values`, nearest rank; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

/** Medians per server over its rounds, and the Herald ratios, around the run's environment. */
export function caseResult(
  name: string,
  description: string,
  parameters: Record<string, number>,
  metrics: Metric[],
  rounds: Record<string, Record<string, number>[]>,
  notes?: string[],
): CaseResult {
  const servers: CaseResult['servers'] = {};
  for (const [server, list] of Object.entries(rounds)) {
    servers[server] = Object.fromEntries(
      metrics.map((m) => [m.key, median(list.map((r) => r[m.key] ?? Number.NaN))]),
    );
  }
  const ratios = Object.fromEntries(
    metrics.map((m) => [
      m.key,
      {
        heraldVsWs: ratio(servers.herald?.[m.key], servers.ws?.[m.key]),
        heraldVsSocketIo: ratio(servers.herald?.[m.key], servers.socketio?.[m.key]),
      },
    ]),
  );
  return {
    case: name,
    description,
    date: new Date().toISOString(),
    node: process.version,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    parameters,
    metrics,
    servers,
    rounds,
    ratios,
    ...(notes && { notes }),
  };
}
