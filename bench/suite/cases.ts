import { fanoutRound } from './fanout-round.js';
import { serverNames, type ServerName } from './protocol.js';
import { caseResult, type CaseResult, type Metric } from './result.js';

export interface Case {
  name: string;
  description: string;
  /** Parameter names with their defaults. */
  parameters: Record<string, number>;
  run(parameters: Record<string, number>): Promise<CaseResult>;
}

const fanoutMetrics: Metric[] = [
  { key: 'cpuMicrosPerDelivery', label: 'server CPU / delivery', unit: 'µs' },
  { key: 'deliveriesPerSecond', label: 'delivery rate', unit: 'deliveries/s' },
];

async function eachServer(
  rounds: number,
  once: (server: ServerName) => Promise<Record<string, number>>,
): Promise<Partial<Record<ServerName, Record<string, number>[]>>> {
  const all: Partial<Record<ServerName, Record<string, number>[]>> = {};
  for (const server of serverNames) {
    const list: Record<string, number>[] = [];
    for (let i = 0; i < rounds; i++) list.push(await once(server));
    all[server] = list;
    console.log(server, list);
  }
  return all;
}

const burst: Case = {
  name: 'burst',
  description:
    'fan-out: `perTurn` publications per event-loop turn (setImmediate), 100-byte payload',
  parameters: { subscribers: 1000, messages: 200, perTurn: 10, workers: 2, rounds: 3 },
  async run(p) {
    const rounds = await eachServer(p.rounds as number, async (server) => ({
      ...(await fanoutRound(server, p.subscribers as number, p.workers as number, {
        messages: p.messages as number,
        perTurn: p.perTurn as number,
      })),
    }));
    return caseResult('burst', this.description, p, fanoutMetrics, rounds);
  },
};

const trickle: Case = {
  name: 'trickle',
  description: 'fan-out: one publication per `interval` ms timer tick, 100-byte payload',
  parameters: { subscribers: 1000, messages: 200, interval: 10, workers: 2, rounds: 3 },
  async run(p) {
    const rounds = await eachServer(p.rounds as number, async (server) => ({
      ...(await fanoutRound(server, p.subscribers as number, p.workers as number, {
        messages: p.messages as number,
        perTurn: 1,
        intervalMs: p.interval as number,
      })),
    }));
    return caseResult('trickle', this.description, p, fanoutMetrics, rounds);
  },
};

export const cases: Case[] = [burst, trickle];
