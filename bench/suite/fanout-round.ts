import { spawn, nextMessage, stop } from './processes.js';
import type { PublishCommand, ServerMessage, ServerName, WorkerMessage } from './protocol.js';

export interface FanoutRound {
  deliveriesPerSecond: number;
  cpuMicrosPerDelivery: number;
}

/**
 * One fan-out round against `server`: the server in its own process, the subscribers split
 * over `workers` client processes; counts deliveries seen by clients and the server's CPU.
 */
export async function fanoutRound(
  server: ServerName,
  subscribers: number,
  workers: number,
  command: Omit<PublishCommand, 'type'>,
): Promise<FanoutRound> {
  const serverProcess = spawn('./server.ts', [server]);
  try {
    const { port } = await nextMessage<ServerMessage & { type: 'ready' }>(serverProcess, 'ready');
    const shares = Array.from(
      { length: workers },
      (_, i) => Math.floor(subscribers / workers) + (i < subscribers % workers ? 1 : 0),
    ).filter((n) => n > 0);
    const clients = shares.map((n) =>
      spawn('./client-worker.ts', [server, String(port), String(n), String(command.messages)]),
    );
    try {
      await Promise.all(clients.map((c) => nextMessage<WorkerMessage>(c, 'subscribed')));
      const received = Promise.all(clients.map((c) => nextMessage<WorkerMessage>(c, 'received')));
      const started = performance.now();
      serverProcess.send({ type: 'publish', ...command });
      await received;
      const seconds = (performance.now() - started) / 1000;
      serverProcess.send({ type: 'cpu' });
      const { cpuMicros } = await nextMessage<ServerMessage & { type: 'cpu' }>(
        serverProcess,
        'cpu',
      );
      const deliveries = subscribers * command.messages;
      return {
        deliveriesPerSecond: Math.round(deliveries / seconds),
        cpuMicrosPerDelivery: Number((cpuMicros / deliveries).toFixed(3)),
      };
    } finally {
      await Promise.all(clients.map(stop));
    }
  } finally {
    await stop(serverProcess);
  }
}
