/** Counters kept by the gateway; `gateway.stats()` returns a snapshot. */
export interface GatewayStats {
  connections: { active: number; total: number; peak: number };
  messages: { in: number; out: number };
  /** Messages refused for size: over `maxMessageSize` (closed 1009) or in too many fragments (1008). */
  oversized: number;
  /** Frames dropped under the `drop` backpressure strategy. */
  dropped: number;
  /** Connections closed with 4009 because they read too slowly. */
  slowConsumers: number;
  /** Connections refused, by reason (`not_found`, `limit`, `shutting_down`, `timeout`, ...). */
  rejected: Record<string, number>;
}

export class StatsCounter {
  active = 0;
  total = 0;
  peak = 0;
  messagesIn = 0;
  messagesOut = 0;
  oversized = 0;
  dropped = 0;
  slowConsumers = 0;
  private readonly rejectedBy = new Map<string, number>();

  connectionOpened(): void {
    this.active += 1;
    this.total += 1;
    if (this.active > this.peak) this.peak = this.active;
  }

  connectionClosed(): void {
    this.active -= 1;
  }

  rejected(reason: string): void {
    this.rejectedBy.set(reason, (this.rejectedBy.get(reason) ?? 0) + 1);
  }

  snapshot(): GatewayStats {
    return {
      connections: { active: this.active, total: this.total, peak: this.peak },
      messages: { in: this.messagesIn, out: this.messagesOut },
      oversized: this.oversized,
      dropped: this.dropped,
      slowConsumers: this.slowConsumers,
      rejected: Object.fromEntries(this.rejectedBy),
    };
  }
}
