import type { BrokerHealth } from '@herald/server';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Follows the connection's status (the client reconnects by itself) and the outcome of the
 * latest store write, so that the broker can say whether it reaches NATS and act on a return.
 * `degraded`: NATS is unreachable or refuses writes; the node still serves its own clients.
 */
export class LinkHealth {
  private connected = true;
  private storeError: string | undefined;

  /** Watches `nc` until it closes; runs `onReconnect` each time the connection comes back. */
  watch(nc: NatsConnection, onReconnect: () => Promise<void>): void {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') {
          this.connected = false;
        } else if (status.type === 'reconnect') {
          await onReconnect().then(() => this.stored(), this.stored);
          this.connected = true;
        }
      }
      // The client gave up reconnecting (or the broker closed it).
      this.connected = false;
    })();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Records a store write's outcome: no error clears an earlier one. */
  readonly stored = (error?: unknown): void => {
    this.storeError = error === undefined ? undefined : describe(error);
  };

  health(): BrokerHealth {
    if (!this.connected) return { status: 'degraded', detail: 'NATS is unreachable; reconnecting' };
    if (this.storeError) return { status: 'degraded', detail: `NATS store: ${this.storeError}` };
    return { status: 'ok' };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
