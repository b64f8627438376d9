import { z } from 'zod';
import { positiveMilliseconds } from '../validation/option-schema.js';

/** Prometheus metrics (`gateway.metrics`, `metricsHandler`); see docs/observability.md. */
export const metricsOptionsSchema = z.strictObject({
  /** Counts and times into `gateway.metrics`. Off: the registry stays empty and nothing is timed. */
  enabled: z.boolean().default(true),
  /** Also serves Node's process metrics (CPU, memory, event loop, GC) from prom-client. */
  defaultMetrics: z.boolean().default(true),
  /** Put before the name of every Herald metric (not the process metrics). */
  prefix: z
    .string()
    .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name prefix')
    .default('herald_'),
  /** Milliseconds a scrape waits for the broker's ping before reporting it down. */
  brokerPingTimeout: positiveMilliseconds.default(1_000),
});

export type MetricsOptions = z.input<typeof metricsOptionsSchema>;
export type ResolvedMetricsOptions = z.output<typeof metricsOptionsSchema>;
