import { randomUUID } from 'node:crypto';
import { eachServer, latencyMetrics, withLatencies, type Case, type Variant } from '../case.js';
import { fanoutRound } from '../fanout-round.js';
import { caseResult } from '../result.js';

/** Herald's broker setups; each round gets its own channel prefix. */
const variants: (Variant & { twoNodes: boolean; broker: 'memory' | 'redis' | 'nats' })[] = [
  { key: 'Herald, one node (memory broker)', server: 'herald', broker: 'memory', twoNodes: false },
  { key: 'Herald, two nodes through Redis', server: 'herald', broker: 'redis', twoNodes: true },
  { key: 'Herald, two nodes through NATS', server: 'herald', broker: 'nats', twoNodes: true },
];

/** Publications on one Herald node reaching subscribers on another through Redis or NATS. */
export const cluster: Case = {
  name: 'cluster',
  description:
    'Herald across nodes: publisher on node 1, subscribers on node 2, through Redis and through NATS, beside one node on the memory broker; `perTick` publications every `interval` ms',
  parameters: {
    subscribers: 200,
    messages: 1000,
    perTick: 10,
    interval: 5,
    sampleEvery: 1,
    workers: 2,
    rounds: 1,
  },
  async run(p) {
    const rounds = await eachServer(
      p.rounds as number,
      async (variant) => {
        const { twoNodes, broker } = variants.find((v) => v.key === variant.key)!;
        const round = await fanoutRound(
          'herald',
          p.subscribers as number,
          p.workers as number,
          {
            messages: p.messages as number,
            perTurn: p.perTick as number,
            intervalMs: p.interval as number,
          },
          {
            setup: { broker: { type: broker, prefix: `bench-${randomUUID()}` } },
            sampleEvery: p.sampleEvery as number,
            twoNodes,
          },
        );
        return withLatencies({ deliveriesPerSecond: round.deliveriesPerSecond }, round.latencies);
      },
      variants,
    );
    return caseResult(
      this.name,
      this.description,
      p,
      [
        { key: 'deliveriesPerSecond', label: 'delivery rate', unit: 'deliveries/s' },
        ...latencyMetrics,
      ],
      rounds,
      [
        "Only Herald is clustered: Socket.IO's Redis adapter is not installed, and a bare ws server has no cluster of its own, so there are no ratios.",
        'Latency is publish→receive on one machine (all processes share its clock), measured on every message of every `sampleEvery`-th subscriber.',
      ],
    );
  },
};
