import type { BackendOutcome } from '../proxy/backend-call.js';
import type { ProxyKind } from '../proxy/proxy-options.js';

/**
 * Where the gateway reports how long things took. The metrics (`metrics/`) implement it when
 * they are enabled; otherwise nothing listens and nothing is timed.
 */
export interface Timings {
  /** An event handler (with its payload validation) ran for `seconds`. */
  handler(namespace: string, event: string, seconds: number): void;
  /** A publication stamped by its broker at `ts` (ms since the epoch) was queued here. */
  published(ts: number): void;
  /** A call to the backend proxy (docs/proxy.md) ended with `outcome` after `seconds`. */
  backendCall(kind: ProxyKind, outcome: BackendOutcome, seconds: number): void;
}
