import { Counter, Gauge, type Registry } from 'prom-client';
import type { NamespaceStats } from '../connection/namespace-stats.js';
import type { StatsCounter } from '../connection/stats.js';
import type { Namespace } from '../namespace/namespace.js';

/** What a metric's samples are read from at scrape time. */
interface Counts {
  stats: StatsCounter;
  namespaces: readonly Namespace[];
}

type Sample = [labels: Partial<Record<string, string>>, value: number];

interface CountedMetric {
  name: string;
  help: string;
  kind: 'counter' | 'gauge';
  labelNames: string[];
  samples: (counts: Counts) => Sample[];
}

/** A metric of the node as a whole. */
function ofNode(name: string, help: string, read: (stats: StatsCounter) => number): CountedMetric {
  return {
    name,
    help,
    kind: 'counter',
    labelNames: [],
    samples: ({ stats }) => [[{}, read(stats)]],
  };
}

/** A metric labelled `namespace`; every declared namespace reports, one without traffic yet 0. */
function byNamespace(
  name: string,
  help: string,
  kind: CountedMetric['kind'],
  read: (stats: NamespaceStats, namespace: Namespace) => number,
): CountedMetric {
  return {
    name,
    help,
    kind,
    labelNames: ['namespace'],
    samples: ({ stats, namespaces }) =>
      namespaces.map((ns) => [
        { namespace: ns.pattern.source },
        read(stats.namespace(ns.pattern.source), ns),
      ]),
  };
}

/** A counter labelled `namespace` and `code`, read from a namespace's counts by error code. */
function byNamespaceAndCode(
  name: string,
  help: string,
  read: (stats: NamespaceStats) => ReadonlyMap<string, number>,
): CountedMetric {
  return {
    name,
    help,
    kind: 'counter',
    labelNames: ['namespace', 'code'],
    samples: ({ stats, namespaces }) =>
      namespaces.flatMap(({ pattern: { source: namespace } }) =>
        [...read(stats.namespace(namespace))].map(([code, value]): Sample => [
          { namespace, code },
          value,
        ]),
      ),
  };
}

const metrics: CountedMetric[] = [
  byNamespace('connections_active', 'Connections open', 'gauge', (s) => s.active),
  byNamespace('connections_total', 'Connections accepted', 'counter', (s) => s.total),
  byNamespace(
    'messages_received_total',
    'WebSocket messages received from clients',
    'counter',
    (s) => s.messagesIn,
  ),
  byNamespace('messages_sent_total', 'Frames written to clients', 'counter', (s) => s.messagesOut),
  byNamespace(
    'deliveries_total',
    "Publication frames handed to a subscriber's queue, dropped ones included",
    'counter',
    (s) => s.deliveries,
  ),
  byNamespace(
    'deliveries_dropped_total',
    'Frames dropped under the drop backpressure strategy',
    'counter',
    (s) => s.dropped,
  ),
  byNamespace(
    'slow_consumers_total',
    'Connections closed with 4009 for reading too slowly',
    'counter',
    (s) => s.slowConsumers,
  ),
  byNamespace(
    'subscriptions_active',
    'Channel subscriptions held by connections',
    'gauge',
    (s) => s.subscriptions,
  ),
  byNamespaceAndCode('errors_sent_total', 'Error frames sent to clients', (s) => s.errors),
  byNamespaceAndCode(
    'subscriptions_failed_total',
    'Subscribe requests refused',
    (s) => s.failedSubscriptions,
  ),
  {
    name: 'connections_refused_total',
    help: 'Connection attempts refused, by reason',
    kind: 'counter',
    labelNames: ['reason'],
    samples: ({ stats }) => [...stats.refusals()].map(([reason, value]) => [{ reason }, value]),
  },
  ofNode(
    'publications_total',
    'Publications the broker delivered to this node for channels with local subscribers',
    (s) => s.publications,
  ),
  ofNode(
    'messages_oversized_total',
    'Messages refused for their size (close 1009) or fragment count (close 1008)',
    (s) => s.oversized,
  ),
  byNamespace(
    'outbound_queue_bytes',
    'Bytes queued for clients and not yet written',
    'gauge',
    (_, namespace) => {
      let bytes = 0;
      for (const connection of namespace.connections) bytes += connection.bufferedBytes;
      return bytes;
    },
  ),
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
  const counts: Counts = { stats, namespaces };
  for (const { name, help, kind, labelNames, samples } of metrics) {
    const common = { name: prefix + name, help, labelNames, registers: [registry] };
    if (kind === 'gauge') {
      new Gauge({
        ...common,
        collect() {
          for (const [labels, value] of samples(counts)) this.set(labels, value);
        },
      });
    } else {
      // A counter cannot be set: the scrape starts it again from the number counted so far.
      new Counter({
        ...common,
        collect() {
          this.reset();
          for (const [labels, value] of samples(counts)) this.inc(labels, value);
        },
      });
    }
  }
}
