import type { Frame, TestClient } from '../../packages/server/test/support/test-client.js';
import { until } from './until.js';

/**
 * Publishes `{ seq }` on a channel every `ms` ms over a raw client, the frame's id its `seq`
 * (0, 1, 2 …), until stopped: the traffic outage tests keep up while they break things.
 */
export class SteadyPublisher {
  /** Publications sent so far; the next one's `seq`. */
  sent = 0;
  private publishing = true;
  private readonly running: Promise<void>;

  constructor(
    private readonly client: TestClient,
    channel: string,
    ms: number,
  ) {
    this.running = (async () => {
      while (this.publishing) {
        const seq = this.sent;
        client.send({ type: 'publish', channel, event: 'tick', payload: { seq }, id: seq });
        this.sent += 1;
        await new Promise((resolve) => setTimeout(resolve, ms));
      }
    })();
  }

  /** Stops, and resolves once every publication sent has its answer. */
  async stop(): Promise<void> {
    this.publishing = false;
    await this.running;
    await until(() => this.answers().size === this.sent, 15_000);
  }

  /** The ack or error that answered each publication, by `seq`. */
  answers(): Map<number, Frame> {
    return new Map(
      this.client.frames
        .filter((f) => (f.type === 'ack' || f.type === 'error') && typeof f.id === 'number')
        .map((f) => [f.id as number, f]),
    );
  }
}
