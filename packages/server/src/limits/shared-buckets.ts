import type { Rate, SharedLimits } from '../broker/shared-limits.js';
import type { ResolvedConnectionLimits } from './limit-options.js';

/** One message's answer from a cluster-wide bucket. */
export type SharedTake = 'taken' | 'empty' | 'unreachable';

interface Batch {
  count: number;
  taken: Promise<number>;
}

/**
 * Token buckets shared by the cluster's nodes, one per user, IP or tenant, kept by the broker.
 * The messages that arrive for one bucket in one turn of the event loop (a socket read may
 * hold many) ask the broker once for all of them, in order: the first `taken` get a token.
 */
export class SharedBuckets {
  private readonly batches = new Map<string, Batch>();

  constructor(
    private readonly shared: SharedLimits,
    readonly whenUnreachable: ResolvedConnectionLimits['whenBrokerUnreachable'],
  ) {}

  take(key: string, rate: Rate): Promise<SharedTake> {
    let batch = this.batches.get(key);
    if (!batch) {
      const opened: Batch = { count: 0, taken: Promise.resolve(0) };
      opened.taken = Promise.resolve().then(() => {
        this.batches.delete(key);
        return this.shared.take(key, rate, opened.count);
      });
      this.batches.set(key, opened);
      batch = opened;
    }
    const index = batch.count++;
    return batch.taken.then(
      (taken) => (index < taken ? 'taken' : 'empty'),
      () => 'unreachable',
    );
  }
}
