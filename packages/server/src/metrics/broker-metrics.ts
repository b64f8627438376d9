import { Gauge, type Registry } from 'prom-client';
import type { BrokerHealth } from '../broker/broker.js';

/** What the broker metrics read: the guarded broker's health and ping. */
export interface BrokerProbeTarget {
  health(): BrokerHealth;
  /** Round-trip time in ms; 0 for a broker without a backend. */
  ping(): Promise<number>;
}

interface ProbeResult {
  up: boolean;
  /** Seconds; undefined when the broker did not answer. */
  rtt: number | undefined;
}

/**
 * `broker_up` and `broker_rtt_seconds`, both from one ping per scrape: the registry collects its
 * metrics concurrently, so the two collect callbacks share the ping in flight.
 */
export function registerBrokerMetrics(
  registry: Registry,
  prefix: string,
  broker: BrokerProbeTarget,
  timeout: number,
): void {
  let inFlight: Promise<ProbeResult> | undefined;
  const probe = (): Promise<ProbeResult> => {
    inFlight ??= probeBroker(broker, timeout).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  new Gauge({
    name: `${prefix}broker_up`,
    help: 'Whether the broker reaches its backend and answers a ping (1) or not (0)',
    registers: [registry],
    async collect() {
      this.set((await probe()).up ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}broker_rtt_seconds`,
    help: 'Round-trip time of a ping to the broker backend (0 for the memory broker, NaN when down)',
    registers: [registry],
    async collect() {
      // A broker that did not answer has no round-trip time: NaN, which graphs show as a gap.
      this.set((await probe()).rtt ?? Number.NaN);
    },
  });
}

async function probeBroker(broker: BrokerProbeTarget, timeout: number): Promise<ProbeResult> {
  if (broker.health().status !== 'ok') return { up: false, rtt: undefined };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the broker ping timed out')), timeout);
  });
  try {
    const ms = await Promise.race([broker.ping(), late]);
    return { up: true, rtt: ms / 1_000 };
  } catch {
    return { up: false, rtt: undefined };
  } finally {
    clearTimeout(timer);
  }
}
