/**
 * One namespace's counters on this node. Plain numbers, bumped on the message path and read at
 * scrape time (docs/observability.md), so that counting costs an addition, not a library call.
 */
export class NamespaceStats {
  active = 0;
  total = 0;
  messagesIn = 0;
  messagesOut = 0;
  /** Publication frames handed to a subscriber's queue (dropped ones included). */
  deliveries = 0;
  /** Frames dropped under the `drop` backpressure strategy. */
  dropped = 0;
  slowConsumers = 0;
  /** Channels joined and not yet left, over every connection. */
  subscriptions = 0;
  /** `error` frames sent, by code. */
  readonly errors = new Map<string, number>();
  /** Subscribe requests refused, by error code. */
  readonly failedSubscriptions = new Map<string, number>();

  errorSent(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  subscriptionFailed(code: string): void {
    this.failedSubscriptions.set(code, (this.failedSubscriptions.get(code) ?? 0) + 1);
  }
}
