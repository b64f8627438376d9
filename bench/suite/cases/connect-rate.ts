import { eachServer, type Case } from '../case.js';
import { openConnections } from '../open-round.js';
import { caseResult } from '../result.js';
import { withServer } from '../rig.js';

/** How fast a server accepts new connections, and what each costs it in CPU. */
export const connectRate: Case = {
  name: 'connect-rate',
  description:
    'connection setup: `connections` opened from `workers` client processes, `concurrency` in flight in each',
  parameters: { connections: 5000, workers: 2, concurrency: 100, rounds: 1 },
  async run(p) {
    const connections = p.connections as number;
    const rounds = await eachServer(p.rounds as number, ({ server }) =>
      withServer(server, {}, async (rig) => {
        const seconds = await openConnections(rig, connections, {
          workers: p.workers as number,
          concurrency: p.concurrency as number,
          beforeStart: async () => rig.command({ type: 'cpu-reset' }),
        });
        const cpuMicros = await rig.cpuMicros();
        return {
          cpuMicrosPerConnection: Number((cpuMicros / connections).toFixed(2)),
          connectionsPerSecond: Math.round(connections / seconds),
        };
      }),
    );
    return caseResult(
      this.name,
      this.description,
      p,
      [
        { key: 'cpuMicrosPerConnection', label: 'server CPU / connection', unit: 'µs' },
        { key: 'connectionsPerSecond', label: 'connections', unit: 'connections/s' },
      ],
      rounds,
    );
  },
};
