import { eachServer, type Case } from '../case.js';
import { openConnections } from '../open-round.js';
import { caseResult } from '../result.js';
import { withServer } from '../rig.js';

const kb = (bytes: number) => Number((bytes / 1024).toFixed(2));

/** What idle connections cost the server in memory: garbage-collected usage before and after. */
export const idleMemory: Case = {
  name: 'idle-memory',
  description:
    'memory per idle connection: garbage-collected RSS and heap of the server before and after opening `connections` that do nothing',
  parameters: { connections: 10_000, workers: 2, concurrency: 100, rounds: 1 },
  async run(p) {
    const connections = p.connections as number;
    const rounds = await eachServer(p.rounds as number, ({ server }) =>
      withServer(
        server,
        { defaults: true },
        async (rig) => {
          let before = { rss: 0, heapUsed: 0 };
          await openConnections(rig, connections, {
            workers: p.workers as number,
            concurrency: p.concurrency as number,
            beforeStart: async () => {
              before = await rig.memory();
            },
          });
          const after = await rig.memory();
          return {
            heapKbPerConnection: kb((after.heapUsed - before.heapUsed) / connections),
            rssKbPerConnection: kb((after.rss - before.rss) / connections),
          };
        },
        ['--expose-gc'],
      ),
    );
    const result = caseResult(
      this.name,
      this.description,
      p,
      [
        { key: 'heapKbPerConnection', label: 'heap / connection', unit: 'KB' },
        { key: 'rssKbPerConnection', label: 'RSS / connection', unit: 'KB' },
      ],
      rounds,
    );
    const difference = (key: string) =>
      Number(
        ((result.servers.herald?.[key] ?? NaN) - (result.servers.ws?.[key] ?? NaN)).toFixed(2),
      );
    result.notes = [
      `Herald − bare ws: heap ${difference('heapKbPerConnection')} KB, RSS ${difference('rssKbPerConnection')} KB per connection (targets: heap ≤ ws + 1.5 KB, RSS ≤ ws + 1 KB).`,
      "Herald's namespace has every option at its default; nobody subscribes. Each server is started with --expose-gc and collects garbage four times, 100 ms apart, before each reading.",
    ];
    return result;
  },
};
