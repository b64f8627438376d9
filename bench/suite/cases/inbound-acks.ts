import { eachServer, type Case } from '../case.js';
import type { WorkerMessage } from '../protocol.js';
import { caseResult } from '../result.js';
import { fromAll, withServer } from '../rig.js';

/**
 * Client requests answered by the server: each client keeps one `echo` request in flight. The
 * server validates `{ text, n }` and answers with a reply derived from it.
 */
export const inboundAcks: Case = {
  name: 'inbound-acks',
  description:
    'requests answered by the server: each client keeps one `echo` request `{ text, n }` in flight; the server validates it and acks a reply',
  parameters: { clients: 200, seconds: 10, workers: 2, rounds: 1 },
  async run(p) {
    const rounds = await eachServer(p.rounds as number, ({ server }) =>
      withServer(server, {}, async (rig) => {
        const clients = rig.workers(p.clients as number, p.workers as number, () => ({
          mode: 'echo',
          seconds: p.seconds as number,
        }));
        await fromAll(clients, 'connected');
        const done = fromAll<WorkerMessage & { type: 'requests' }>(clients, 'requests');
        rig.command({ type: 'cpu-reset' });
        const started = performance.now();
        for (const client of clients) client.send({ type: 'start' });
        const requests = (await done).reduce((sum, r) => sum + r.count, 0);
        const seconds = (performance.now() - started) / 1000;
        const cpuMicros = await rig.cpuMicros();
        return {
          requestsPerSecond: Math.round(requests / seconds),
          cpuMicrosPerRequest: Number((cpuMicros / requests).toFixed(3)),
          requests,
        };
      }),
    );
    return caseResult(
      this.name,
      this.description,
      p,
      [
        { key: 'cpuMicrosPerRequest', label: 'server CPU / request', unit: 'µs' },
        { key: 'requestsPerSecond', label: 'requests', unit: 'requests/s' },
        { key: 'requests', label: 'requests answered', unit: 'count' },
      ],
      rounds,
    );
  },
};
