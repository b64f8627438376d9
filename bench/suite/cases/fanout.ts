import { eachServer, type Case } from '../case.js';
import { fanoutRound } from '../fanout-round.js';
import { caseResult, type Metric } from '../result.js';

const fanoutMetrics: Metric[] = [
  { key: 'cpuMicrosPerDelivery', label: 'server CPU / delivery', unit: 'µs' },
  { key: 'deliveriesPerSecond', label: 'delivery rate', unit: 'deliveries/s' },
];

export const burst: Case = {
  name: 'burst',
  description:
    'fan-out: `perTurn` publications per event-loop turn (setImmediate), 100-byte payload',
  parameters: { subscribers: 1000, messages: 200, perTurn: 10, workers: 2, rounds: 3 },
  async run(p) {
    const rounds = await eachServer(p.rounds as number, async ({ server }) => {
      const { deliveriesPerSecond, cpuMicrosPerDelivery } = await fanoutRound(
        server,
        p.subscribers as number,
        p.workers as number,
        { messages: p.messages as number, perTurn: p.perTurn as number },
      );
      return { cpuMicrosPerDelivery, deliveriesPerSecond };
    });
    return caseResult(this.name, this.description, p, fanoutMetrics, rounds);
  },
};

export const trickle: Case = {
  name: 'trickle',
  description: 'fan-out: one publication per `interval` ms timer tick, 100-byte payload',
  parameters: { subscribers: 1000, messages: 200, interval: 10, workers: 2, rounds: 3 },
  async run(p) {
    const rounds = await eachServer(p.rounds as number, async ({ server }) => {
      const { deliveriesPerSecond, cpuMicrosPerDelivery } = await fanoutRound(
        server,
        p.subscribers as number,
        p.workers as number,
        { messages: p.messages as number, perTurn: 1, intervalMs: p.interval as number },
      );
      return { cpuMicrosPerDelivery, deliveriesPerSecond };
    });
    return caseResult(this.name, this.description, p, fanoutMetrics, rounds);
  },
};
