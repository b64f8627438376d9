import { serverNames, type ServerName, type ServerSetup } from './protocol.js';
import { percentile, type CaseResult, type Metric } from './result.js';

export interface Case {
  name: string;
  description: string;
  /** Parameter names with their defaults. */
  parameters: Record<string, number>;
  run(parameters: Record<string, number>): Promise<CaseResult>;
}

/** One column of a case's table: a server, or a server set up differently (e.g. another option). */
export interface Variant {
  key: string;
  server: ServerName;
  setup?: ServerSetup;
}

export const everyServer: Variant[] = serverNames.map((server) => ({ key: server, server }));

/** Measures each variant `rounds` times in turn; its rounds, by variant key. */
export async function eachServer(
  rounds: number,
  once: (variant: Variant) => Promise<Record<string, number>>,
  variants: Variant[] = everyServer,
): Promise<Record<string, Record<string, number>[]>> {
  const all: Record<string, Record<string, number>[]> = {};
  for (const variant of variants) {
    const list: Record<string, number>[] = [];
    for (let i = 0; i < rounds; i++) list.push(await once(variant));
    all[variant.key] = list;
    console.log(variant.key, list);
  }
  return all;
}

const twoDecimals = (n: number) => Number(n.toFixed(2));

/** The publish → receive columns of the cases that sample latency (see `withLatencies`). */
export const latencyMetrics: Metric[] = [
  { key: 'latencyP50', label: 'latency p50', unit: 'ms' },
  { key: 'latencyP99', label: 'latency p99', unit: 'ms' },
];

/** A round's `values` with the `latencyMetrics` columns of `latencies` added. */
export function withLatencies(
  values: Record<string, number>,
  latencies: number[],
): Record<string, number> {
  const { latencyP50, latencyP99 } = latencyPercentiles(latencies);
  return { ...values, latencyP50, latencyP99 } as Record<string, number>;
}

/** p50, p99 and p99.9 (ms) of `latencies`, keyed `${prefix}P50`, ... */
export function latencyPercentiles(
  latencies: number[],
  prefix = 'latency',
): Record<string, number> {
  return {
    [`${prefix}P50`]: twoDecimals(percentile(latencies, 50)),
    [`${prefix}P99`]: twoDecimals(percentile(latencies, 99)),
    [`${prefix}P999`]: twoDecimals(percentile(latencies, 99.9)),
  };
}
