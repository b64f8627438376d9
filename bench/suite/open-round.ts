import type { WorkerMessage } from './protocol.js';
import { fromAll, type Rig } from './rig.js';

/** Most sockets one client worker opens: a process may hold 20,000 descriptors here. */
export const socketsPerWorker = 9000;

/**
 * Opens `connections` to the rig's server from at least `workers` client processes,
 * `concurrency` at a time in each, and resolves with the seconds it took once all are open.
 * `beforeStart` runs once every worker is ready, just before they start connecting.
 */
export async function openConnections(
  rig: Rig,
  connections: number,
  options: {
    workers: number;
    concurrency: number;
    users?: boolean;
    beforeStart?: () => Promise<void>;
  },
): Promise<number> {
  const parts = Math.max(options.workers, Math.ceil(connections / socketsPerWorker));
  let offset = 0;
  const clients = rig.workers(connections, parts, (count) => {
    const userOffset = offset;
    offset += count;
    return {
      mode: 'open',
      concurrency: options.concurrency,
      ...(options.users && { userOffset }),
    };
  });
  await fromAll(clients, 'subscribed');
  await options.beforeStart?.();
  const opened = fromAll<WorkerMessage & { type: 'connected' }>(clients, 'connected');
  const started = performance.now();
  for (const client of clients) client.send({ type: 'start' });
  const counts = await opened;
  const open = counts.reduce((sum, c) => sum + c.count, 0);
  if (open !== connections) throw new Error(`opened ${open} of ${connections} connections`);
  return (performance.now() - started) / 1000;
}
