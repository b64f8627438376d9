import type { PublishCommand } from '../protocol.js';
import { eachServer, type Case } from '../case.js';
import { fanoutRound } from '../fanout-round.js';
import { caseResult, type Metric } from '../result.js';

const fanoutMetrics: Metric[] = [
  { key: 'cpuMicrosPerDelivery', label: 'server CPU / delivery', unit: 'µs' },
  { key: 'deliveriesPerSecond', label: 'delivery rate', unit: 'deliveries/s' },
];

/** A fan-out case: the same round against every server, publishing on `schedule`'s pace. */
function fanoutCase(
  name: string,
  description: string,
  parameters: Record<string, number>,
  schedule: (p: Record<string, number>) => Omit<PublishCommand, 'type'>,
): Case {
  return {
    name,
    description,
    parameters,
    async run(p) {
      const rounds = await eachServer(p.rounds as number, async ({ server }) => {
        const { deliveriesPerSecond, cpuMicrosPerDelivery } = await fanoutRound(
          server,
          p.subscribers as number,
          p.workers as number,
          schedule(p),
        );
        return { cpuMicrosPerDelivery, deliveriesPerSecond };
      });
      return caseResult(name, description, p, fanoutMetrics, rounds);
    },
  };
}

export const burst = fanoutCase(
  'burst',
  'fan-out: `perTurn` publications per event-loop turn (setImmediate), 100-byte payload',
  { subscribers: 1000, messages: 200, perTurn: 10, workers: 2, rounds: 3 },
  (p) => ({ messages: p.messages as number, perTurn: p.perTurn as number }),
);

export const trickle = fanoutCase(
  'trickle',
  'fan-out: one publication per `interval` ms timer tick, 100-byte payload',
  { subscribers: 1000, messages: 200, interval: 10, workers: 2, rounds: 3 },
  (p) => ({ messages: p.messages as number, perTurn: 1, intervalMs: p.interval as number }),
);
