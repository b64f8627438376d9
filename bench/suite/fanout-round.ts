import type { PublishCommand, ServerName, ServerSetup, WorkerMessage } from './protocol.js';
import { fromAll, withServer, type Rig } from './rig.js';

export interface FanoutRound {
  deliveriesPerSecond: number;
  cpuMicrosPerDelivery: number;
  /** Publish→receive latencies (ms) of the sampled subscribers; empty when none are sampled. */
  latencies: number[];
}

/**
 * One fan-out round against `server`: the server in its own process, the subscribers split
 * over `workers` client processes; counts deliveries seen by clients and the server's CPU.
 * Every `sampleEvery`-th subscriber also times its publications (0: none). With `twoNodes`, a
 * second server process with the same setup (a cluster through its broker) publishes, and the
 * CPU is the publishing node's.
 */
export async function fanoutRound(
  server: ServerName,
  subscribers: number,
  workers: number,
  command: Omit<PublishCommand, 'type'>,
  options: { setup?: ServerSetup; sampleEvery?: number; twoNodes?: boolean } = {},
): Promise<FanoutRound> {
  const setup = options.setup ?? {};
  if (!options.twoNodes) return withServer(server, setup, (rig) => round(rig, rig));
  return withServer(server, setup, (publisher) =>
    withServer(server, setup, (receiver) => round(publisher, receiver)),
  );

  /** Publishes on `publisher`, subscribers on `receiver` (the same rig on one node). */
  async function round(publisher: Rig, receiver: Rig): Promise<FanoutRound> {
    const clients = receiver.workers(subscribers, workers, () => ({
      mode: 'subscribe',
      expected: command.messages,
      sampleEvery: options.sampleEvery ?? 0,
    }));
    await fromAll(clients, 'subscribed');
    // Through a broker, the receiving node's subscription must reach it before publishing.
    if (publisher !== receiver) await new Promise((resolve) => setTimeout(resolve, 300));
    const received = fromAll<WorkerMessage & { type: 'received' }>(clients, 'received');
    const started = performance.now();
    publisher.command({ type: 'publish', ...command });
    const reports = await received;
    const seconds = (performance.now() - started) / 1000;
    const cpuMicros = await publisher.cpuMicros();
    const deliveries = subscribers * command.messages;
    return {
      deliveriesPerSecond: Math.round(deliveries / seconds),
      cpuMicrosPerDelivery: Number((cpuMicros / deliveries).toFixed(3)),
      latencies: reports.flatMap((r) => r.latencies),
    };
  }
}
