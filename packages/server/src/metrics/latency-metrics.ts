import { Histogram, type Registry } from 'prom-client';
import type { Timings } from '../connection/timings.js';

/** From half a millisecond to ten seconds: handlers and deliveries are mostly well under 10 ms. */
const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The histograms, observed as things happen (a counter read at scrape time cannot give a
 * distribution): the duration of each handler call, each publication's time from its broker's
 * timestamp to the write of its frames on this node, and each call to the backend proxy.
 */
export function registerLatencyMetrics(registry: Registry, prefix: string): Timings {
  const handlers = new Histogram({
    name: `${prefix}handler_duration_seconds`,
    help: 'Time an event handler took, with its payload validation',
    labelNames: ['namespace', 'event'],
    buckets,
    registers: [registry],
  });
  const publications = new Histogram({
    name: `${prefix}publish_to_write_seconds`,
    help: "Time from a publication's broker timestamp to the write of its frames on this node",
    buckets,
    registers: [registry],
  });
  const backendCalls = new Histogram({
    name: `${prefix}backend_call_duration_seconds`,
    help: 'Time a call to the backend proxy took, by kind and outcome (ok, refused, unavailable)',
    labelNames: ['kind', 'outcome'],
    buckets,
    registers: [registry],
  });
  // Publications queued during this event-loop turn, observed once their frames are written.
  let queued: number[] = [];
  const written = (): void => {
    const now = Date.now();
    // Another node's clock may run ahead of this one's: a negative time counts as 0.
    for (const ts of queued) publications.observe(Math.max(0, now - ts) / 1_000);
    queued = [];
  };
  return {
    handler(namespace, event, seconds) {
      handlers.observe({ namespace, event }, seconds);
    },
    backendCall(kind, outcome, seconds) {
      backendCalls.observe({ kind, outcome }, seconds);
    },
    published(ts) {
      // The flush scheduler's setImmediate was queued first, by the frames' queues: this one runs
      // right after the turn's writes.
      if (queued.length === 0) setImmediate(written);
      queued.push(ts);
    },
  };
}
