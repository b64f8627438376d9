import type { PublishCommand, ServerName, ServerSetup, WorkerMessage } from './protocol.js';
import { fromAll, withServer } from './rig.js';

export interface FanoutRound {
  deliveriesPerSecond: number;
  cpuMicrosPerDelivery: number;
  /** Publish→receive latencies (ms) of the sampled subscribers; empty when none are sampled. */
  latencies: number[];
}

/**
 * One fan-out round against `server`: the server in its own process, the subscribers split
 * over `workers` client processes; counts deliveries seen by clients and the server's CPU.
 * Every `sampleEvery`-th subscriber also times its publications (0: none).
 */
export async function fanoutRound(
  server: ServerName,
  subscribers: number,
  workers: number,
  command: Omit<PublishCommand, 'type'>,
  options: { setup?: ServerSetup; sampleEvery?: number } = {},
): Promise<FanoutRound> {
  return withServer(server, options.setup ?? {}, async (rig) => {
    const clients = rig.workers(subscribers, workers, () => ({
      mode: 'subscribe',
      expected: command.messages,
      sampleEvery: options.sampleEvery ?? 0,
    }));
    await fromAll(clients, 'subscribed');
    const received = fromAll<WorkerMessage & { type: 'received' }>(clients, 'received');
    const started = performance.now();
    rig.command({ type: 'publish', ...command });
    const reports = await received;
    const seconds = (performance.now() - started) / 1000;
    const cpuMicros = await rig.cpuMicros();
    const deliveries = subscribers * command.messages;
    return {
      deliveriesPerSecond: Math.round(deliveries / seconds),
      cpuMicrosPerDelivery: Number((cpuMicros / deliveries).toFixed(3)),
      latencies: reports.flatMap((r) => r.latencies),
    };
  });
}
