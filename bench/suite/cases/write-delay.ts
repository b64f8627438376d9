import { eachServer, everyServer, latencyMetrics, withLatencies, type Case } from '../case.js';
import { fanoutRound } from '../fanout-round.js';
import { caseResult } from '../result.js';

/**
 * Herald with `writeDelay` against the others at a timer-paced rate, and Herald without it in
 * the same run, so that both the saved CPU and the added latency show.
 */
export const writeDelay: Case = {
  name: 'write-delay',
  description:
    "fan-out, one publication per `interval` ms timer tick; Herald's namespace with `writeDelay`, and Herald without it",
  parameters: {
    writeDelay: 10,
    subscribers: 1000,
    messages: 200,
    interval: 10,
    sampleEvery: 10,
    workers: 2,
    rounds: 3,
  },
  async run(p) {
    const [herald, ...others] = everyServer;
    const variants = [
      { ...herald!, setup: { writeDelay: p.writeDelay as number } },
      ...others,
      { key: 'Herald, writeDelay 0', server: 'herald' as const, setup: { writeDelay: 0 } },
    ];
    const rounds = await eachServer(
      p.rounds as number,
      async ({ server, setup }) => {
        const round = await fanoutRound(
          server,
          p.subscribers as number,
          p.workers as number,
          { messages: p.messages as number, perTurn: 1, intervalMs: p.interval as number },
          { setup, sampleEvery: p.sampleEvery as number },
        );
        return withLatencies({ cpuMicrosPerDelivery: round.cpuMicrosPerDelivery }, round.latencies);
      },
      variants,
    );
    return caseResult(
      this.name,
      this.description,
      p,
      [
        { key: 'cpuMicrosPerDelivery', label: 'server CPU / delivery', unit: 'µs' },
        ...latencyMetrics,
      ],
      rounds,
      [
        'Latency is publish→receive on one machine (server and clients share its clock), measured on every message of every `sampleEvery`-th subscriber.',
      ],
    );
  },
};
