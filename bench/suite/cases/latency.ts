import { eachServer, latencyPercentiles, type Case } from '../case.js';
import { fanoutRound } from '../fanout-round.js';
import type { ServerName } from '../protocol.js';
import { caseResult, type Metric } from '../result.js';

/** Two ways of making 10k deliveries/s: many subscribers at a low rate, few at a high one. */
const shapes = [
  { key: 'wide', subscribers: 1000, perSecond: 10 },
  { key: 'narrow', subscribers: 100, perSecond: 100 },
] as const;

const metrics: Metric[] = shapes.flatMap(({ key, subscribers, perSecond }) => {
  const shape = `${subscribers.toLocaleString('en-US')} × ${perSecond}/s`;
  return [
    { key: `${key}P50`, label: `${shape} p50`, unit: 'ms' },
    { key: `${key}P99`, label: `${shape} p99`, unit: 'ms' },
    { key: `${key}P999`, label: `${shape} p99.9`, unit: 'ms' },
  ];
});

export const latency: Case = {
  name: 'latency',
  description:
    'publish→receive latency at 10k deliveries/s, as 1,000 subscribers × 10 publications/s and as 100 subscribers × 100 publications/s',
  parameters: { seconds: 10, sampleEvery: 10, workers: 2, rounds: 1 },
  async run(p) {
    const seconds = p.seconds as number;
    const shapeRound = async (server: ServerName, shape: (typeof shapes)[number]) => {
      const round = await fanoutRound(
        server,
        shape.subscribers,
        p.workers as number,
        {
          messages: Math.round(shape.perSecond * seconds),
          perTurn: 1,
          intervalMs: 1000 / shape.perSecond,
        },
        { sampleEvery: p.sampleEvery as number },
      );
      return latencyPercentiles(round.latencies, shape.key);
    };
    const rounds = await eachServer(p.rounds as number, async ({ server }) => {
      const all: Record<string, number> = {};
      for (const shape of shapes) Object.assign(all, await shapeRound(server, shape));
      return all;
    });
    return caseResult(this.name, this.description, p, metrics, rounds, [
      'Latency is publish→receive on one machine (server and clients share its clock), measured on every message of every `sampleEvery`-th subscriber; publications are paced by a timer, so the rate is the schedule, not a limit.',
    ]);
  },
};
