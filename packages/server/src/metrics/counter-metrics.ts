import { Counter, Gauge, type Registry } from 'prom-client';
import type { NamespaceStats } from '../connection/namespace-stats.js';
import type { StatsCounter } from '../connection/stats.js';
import type { Namespace } from '../namespace/namespace.js';

interface PerNamespace {
  name: string;
  help: string;
  kind: 'counter' | 'gauge';
  read: (stats: NamespaceStats) => number;
}

/** Metrics read from each namespace's counters, labelled `namespace`. */
const perNamespace: PerNamespace[] = [
  { name: 'connections_active', help: 'Connections open', kind: 'gauge', read: (s) => s.active },
  {
    name: 'connections_total',
    help: 'Connections accepted',
    kind: 'counter',
    read: (s) => s.total,
  },
  {
    name: 'messages_received_total',
    help: 'WebSocket messages received from clients',
    kind: 'counter',
    read: (s) => s.messagesIn,
  },
  {
    name: 'messages_sent_total',
    help: 'Frames written to clients',
    kind: 'counter',
    read: (s) => s.messagesOut,
  },
  {
    name: 'deliveries_total',
    help: "Publication frames handed to a subscriber's queue, dropped ones included",
    kind: 'counter',
    read: (s) => s.deliveries,
  },
  {
    name: 'deliveries_dropped_total',
    help: 'Frames dropped under the drop backpressure strategy',
    kind: 'counter',
    read: (s) => s.dropped,
  },
  {
    name: 'slow_consumers_total',
    help: 'Connections closed with 4009 for reading too slowly',
    kind: 'counter',
    read: (s) => s.slowConsumers,
  },
  {
    name: 'subscriptions_active',
    help: 'Channel subscriptions held by connections',
    kind: 'gauge',
    read: (s) => s.subscriptions,
  },
];

/** Metrics read from each namespace's counts by error code, labelled `namespace` and `code`. */
const perNamespaceAndCode: Array<{
  name: string;
  help: string;
  read: (stats: NamespaceStats) => ReadonlyMap<string, number>;
}> = [
  { name: 'errors_sent_total', help: 'Error frames sent to clients', read: (s) => s.errors },
  {
    name: 'subscriptions_failed_total',
    help: 'Subscribe requests refused',
    read: (s) => s.failedSubscriptions,
  },
];

/**
 * Registers the metrics that the gateway counts in plain numbers (`StatsCounter`): nothing is
 * done per message for them; each scrape reads the numbers in its `collect` callbacks.
 */
export function registerCounterMetrics(
  registry: Registry,
  prefix: string,
  stats: StatsCounter,
  namespaces: readonly Namespace[],
): void {
  const registers = [registry];
  for (const { name, help, kind, read } of perNamespace) {
    const common = { name: prefix + name, help, labelNames: ['namespace'], registers };
    if (kind === 'gauge') {
      new Gauge({
        ...common,
        collect() {
          for (const [namespace, counts] of each(stats, namespaces))
            this.set({ namespace }, read(counts));
        },
      });
    } else {
      new Counter({
        ...common,
        collect() {
          this.reset();
          for (const [namespace, counts] of each(stats, namespaces))
            this.inc({ namespace }, read(counts));
        },
      });
    }
  }
  for (const { name, help, read } of perNamespaceAndCode) {
    new Counter({
      name: prefix + name,
      help,
      labelNames: ['namespace', 'code'],
      registers,
      collect() {
        this.reset();
        for (const [namespace, counts] of each(stats, namespaces)) {
          for (const [code, value] of read(counts)) this.inc({ namespace, code }, value);
        }
      },
    });
  }
  new Counter({
    name: `${prefix}connections_refused_total`,
    help: 'Connection attempts refused, by reason',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      for (const [reason, value] of stats.refusals()) this.inc({ reason }, value);
    },
  });
  new Counter({
    name: `${prefix}publications_total`,
    help: 'Publications the broker delivered to this node for channels with local subscribers',
    registers,
    collect() {
      this.reset();
      this.inc(stats.publications);
    },
  });
  new Counter({
    name: `${prefix}messages_oversized_total`,
    help: 'Messages refused for their size (close 1009) or fragment count (close 1008)',
    registers,
    collect() {
      this.reset();
      this.inc(stats.oversized);
    },
  });
  new Gauge({
    name: `${prefix}outbound_queue_bytes`,
    help: 'Bytes queued for clients and not yet written',
    labelNames: ['namespace'],
    registers,
    collect() {
      for (const namespace of namespaces) {
        let bytes = 0;
        for (const connection of namespace.connections) bytes += connection.bufferedBytes;
        this.set({ namespace: namespace.pattern.source }, bytes);
      }
    },
  });
}

/** Every declared namespace with its counters, so that one without traffic yet reports 0. */
function each(
  stats: StatsCounter,
  namespaces: readonly Namespace[],
): Array<[string, NamespaceStats]> {
  return namespaces.map(({ pattern }) => [pattern.source, stats.namespace(pattern.source)]);
}
