import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Confirms that the server took what a connection published. A flush is a PING the server
 * answers once it has handled every message written before it, so one flush sent at the end of
 * an event-loop turn confirms every publish of that turn: a burst costs one round trip, not one
 * per publication.
 */
export class PublishConfirmation {
  private next: Promise<void> | undefined;

  constructor(private readonly nc: NatsConnection) {}

  /** Resolves once the server handled everything this connection published so far. */
  confirm(): Promise<void> {
    this.next ??= new Promise((resolve, reject) => {
      // After the turn's publishes were written, so that the PING follows all of them.
      setImmediate(() => {
        this.next = undefined;
        this.nc.flush().then(resolve, reject);
      });
    });
    return this.next;
  }
}
