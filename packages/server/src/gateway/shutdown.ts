import { CloseCodes, type ShutdownNotice } from '@herald/protocol';
import type { SocketConnection } from '../connection/socket-connection.js';
import { EncodedFrame } from '../transport/encoded-frame.js';

export interface DrainOptions {
  /** Milliseconds to wait for the sockets to close before terminating the rest. */
  drainTimeout: number;
  /** Upper bound, in ms, suggested to clients for their random reconnect delay. */
  reconnectWithin: number;
}

/**
 * Ends every connection gracefully: tells each client (`system` `shutdown`), writes what is
 * queued, closes with 1001, waits up to `drainTimeout` for the sockets to close, then terminates
 * the rest. Resolves whether they all drained in time.
 */
export async function drainConnections(
  connections: readonly SocketConnection[],
  options: DrainOptions,
): Promise<boolean> {
  const notice: ShutdownNotice = { reason: 'shutdown', reconnectWithin: options.reconnectWithin };
  const frame = new EncodedFrame({ type: 'system', event: 'shutdown', payload: notice });
  for (const connection of connections) {
    connection.out.shared(frame);
    connection.close(CloseCodes.GOING_AWAY, 'server shutdown');
  }
  const gone = connections.map((connection) => connection.gone);
  const drained = await settlesWithin(Promise.all(gone), options.drainTimeout);
  if (!drained) {
    for (const connection of connections) connection.terminate();
    await Promise.all(gone);
  }
  return drained;
}

/** Resolves true when `promise` settles within `ms`, false on timeout. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([promise.then(() => true), timeout]);
  clearTimeout(timer);
  return result;
}
