import { TokenBucket, type Rate } from './token-bucket.js';

interface Held {
  bucket: TokenBucket;
  refs: number;
}

const sweepEvery = 60_000;

/**
 * Token buckets shared by key (a user, an IP, a tenant). A bucket outlives its last holder until
 * it has refilled, so reconnecting does not reset a limit; idle full buckets are swept lazily.
 */
export class KeyedBuckets {
  private readonly held = new Map<string, Held>();
  private sweptAt: number;

  constructor(
    readonly rate: Rate,
    now: number,
  ) {
    this.sweptAt = now;
  }

  /** The bucket for `key`, held until `release(key)`. */
  acquire(key: string, now: number): TokenBucket {
    return this.entry(key, now, 1).bucket;
  }

  release(key: string): void {
    const entry = this.held.get(key);
    if (entry) entry.refs -= 1;
  }

  /** Takes a token from `key`'s bucket without holding it (connection attempts). */
  tryTake(key: string, now: number): boolean {
    return this.entry(key, now, 0).bucket.tryTake(now);
  }

  private entry(key: string, now: number, refs: number): Held {
    if (now - this.sweptAt >= sweepEvery) this.sweep(now);
    let entry = this.held.get(key);
    if (!entry) {
      entry = { bucket: new TokenBucket(this.rate, now), refs: 0 };
      this.held.set(key, entry);
    }
    entry.refs += refs;
    return entry;
  }

  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [key, entry] of this.held) {
      if (entry.refs <= 0 && entry.bucket.isFull(now)) this.held.delete(key);
    }
  }
}
