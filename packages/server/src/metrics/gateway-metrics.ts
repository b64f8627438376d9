import { collectDefaultMetrics, Registry } from 'prom-client';
import type { StatsCounter } from '../connection/stats.js';
import type { Namespace } from '../namespace/namespace.js';
import { registerBrokerMetrics, type BrokerProbeTarget } from './broker-metrics.js';
import { registerCounterMetrics } from './counter-metrics.js';
import { registerLatencyMetrics } from './latency-metrics.js';
import type { ResolvedMetricsOptions } from './metrics-options.js';

/** The parts of a gateway its metrics read. */
export interface MetricsSource {
  stats: StatsCounter;
  /** The gateway's namespaces, declared now or later. */
  namespaces: readonly Namespace[];
  broker: BrokerProbeTarget;
}

/**
 * Node's process metrics, collected once per process into a registry of their own: they describe
 * the process, whatever number of gateways it runs, and prom-client's collectors (a GC observer,
 * an event-loop delay monitor) are never stopped, so one set serves every gateway.
 */
let processMetrics: Registry | undefined;

function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/**
 * A gateway's own prom-client registry (never prom-client's global one): Herald's metrics, and
 * the process metrics unless turned off. Empty when metrics are disabled.
 */
export function createGatewayMetrics(
  options: ResolvedMetricsOptions,
  source: MetricsSource,
): Registry {
  const own = new Registry();
  if (!options.enabled) return own;
  const { prefix } = options;
  registerCounterMetrics(own, prefix, source.stats, source.namespaces);
  registerBrokerMetrics(own, prefix, source.broker, options.brokerPingTimeout);
  source.stats.timings = registerLatencyMetrics(own, prefix);
  return options.defaultMetrics ? Registry.merge([own, processRegistry()]) : own;
}
