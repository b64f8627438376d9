import { NamespaceStats } from './namespace-stats.js';
import type { Timings } from './timings.js';

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

/** The gateway's counters: per namespace (`NamespaceStats`), and those of the node as a whole. */
export class StatsCounter {
  /** Connections open on this node: the namespaces' sum, kept here too for `peak`. */
  active = 0;
  peak = 0;
  oversized = 0;
  /** Publications the broker delivered to this node for channels with local subscribers. */
  publications = 0;
  /** Set by the metrics when they are enabled. */
  timings: Timings | undefined;
  private readonly rejectedBy = new Map<string, number>();
  private readonly byNamespace = new Map<string, NamespaceStats>();

  /** The counters of the namespace whose pattern is `pattern`, made on first use. */
  namespace(pattern: string): NamespaceStats {
    let stats = this.byNamespace.get(pattern);
    if (!stats) {
      stats = new NamespaceStats();
      this.byNamespace.set(pattern, stats);
    }
    return stats;
  }

  connectionOpened(namespace: NamespaceStats): void {
    namespace.active += 1;
    namespace.total += 1;
    this.active += 1;
    if (this.active > this.peak) this.peak = this.active;
  }

  connectionClosed(namespace: NamespaceStats): void {
    namespace.active -= 1;
    this.active -= 1;
  }

  rejected(reason: string): void {
    this.rejectedBy.set(reason, (this.rejectedBy.get(reason) ?? 0) + 1);
  }

  /** Connections refused, by reason. */
  refusals(): ReadonlyMap<string, number> {
    return this.rejectedBy;
  }

  snapshot(): GatewayStats {
    let total = 0;
    let messagesIn = 0;
    let messagesOut = 0;
    let dropped = 0;
    let slowConsumers = 0;
    for (const stats of this.byNamespace.values()) {
      total += stats.total;
      messagesIn += stats.messagesIn;
      messagesOut += stats.messagesOut;
      dropped += stats.dropped;
      slowConsumers += stats.slowConsumers;
    }
    return {
      connections: { active: this.active, total, peak: this.peak },
      messages: { in: messagesIn, out: messagesOut },
      oversized: this.oversized,
      dropped,
      slowConsumers,
      rejected: Object.fromEntries(this.rejectedBy),
    };
  }
}
