import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

// The bucket takes the time as an argument, so the tests are the clock.
const start = 1_000_000;

/** Takes tokens at `now` until the bucket refuses (at most 1000); how many it gave. */
function drain(bucket: TokenBucket, now: number): number {
  let taken = 0;
  while (taken < 1000 && bucket.tryTake(now)) taken += 1;
  return taken;
}

describe('TokenBucket', () => {
  it('starts full: a burst is allowed at once, and nothing more', () => {
    const bucket = new TokenBucket({ limit: 2, intervalMs: 1000, burst: 5 }, start);
    expect(bucket.isFull(start)).toBe(true);
    expect(bucket.refill(start)).toBe(5);
    expect(drain(bucket, start)).toBe(5);
    expect(bucket.tryTake(start)).toBe(false);
    expect(bucket.isFull(start)).toBe(false);
  });

  it('refills at limit / intervalMs, continuously', () => {
    const bucket = new TokenBucket({ limit: 10, intervalMs: 1000, burst: 10 }, start);
    drain(bucket, start);
    expect(bucket.refill(start)).toBe(0);
    // 10 per second is one token per 100 ms.
    expect(bucket.refill(start + 50)).toBeCloseTo(0.5);
    expect(bucket.tryTake(start + 50)).toBe(false);
    expect(bucket.tryTake(start + 100)).toBe(true);
    expect(bucket.tryTake(start + 100)).toBe(false);
    expect(bucket.refill(start + 350)).toBeCloseTo(2.5);
    expect(drain(bucket, start + 350)).toBe(2);
  });

  it('keeps a fraction of a token between refills', () => {
    const bucket = new TokenBucket({ limit: 1, intervalMs: 1000, burst: 2 }, start);
    expect(drain(bucket, start)).toBe(2);
    // Four refills of 300 ms add up to more than one token though none adds one alone.
    expect(bucket.tryTake(start + 300)).toBe(false);
    expect(bucket.tryTake(start + 600)).toBe(false);
    expect(bucket.tryTake(start + 900)).toBe(false);
    expect(bucket.tryTake(start + 1200)).toBe(true);
    expect(bucket.refill(start + 1200)).toBeCloseTo(0.2);
  });

  it('never holds more than its burst, however long it waits', () => {
    const bucket = new TokenBucket({ limit: 100, intervalMs: 10, burst: 3 }, start);
    expect(bucket.tryTake(start)).toBe(true);
    expect(bucket.refill(start + 60_000)).toBe(3);
    expect(bucket.isFull(start + 60_000)).toBe(true);
    expect(drain(bucket, start + 60_000)).toBe(3);
  });

  it('allows the burst first, then the rate', () => {
    const bucket = new TokenBucket({ limit: 1, intervalMs: 1000, burst: 4 }, start);
    expect(drain(bucket, start)).toBe(4);
    expect(drain(bucket, start + 999)).toBe(0);
    expect(drain(bucket, start + 1000)).toBe(1);
    expect(drain(bucket, start + 3000)).toBe(2);
  });

  it('ignores a time earlier than the last one it saw', () => {
    const bucket = new TokenBucket({ limit: 10, intervalMs: 1000, burst: 10 }, start);
    drain(bucket, start + 1000);
    // A clock that steps back neither refills nor moves the bucket's own time back.
    expect(bucket.refill(start)).toBe(0);
    expect(bucket.tryTake(start + 500)).toBe(false);
    expect(bucket.refill(start + 1100)).toBeCloseTo(1);
  });

  it('consume takes one token after a refill said there is one', () => {
    const bucket = new TokenBucket({ limit: 1, intervalMs: 1000, burst: 2 }, start);
    expect(bucket.refill(start)).toBe(2);
    bucket.consume();
    expect(bucket.refill(start)).toBe(1);
    expect(bucket.isFull(start)).toBe(false);
    bucket.consume();
    expect(bucket.tryTake(start)).toBe(false);
  });

  it('is full again once refilled to its burst', () => {
    const bucket = new TokenBucket({ limit: 2, intervalMs: 1000, burst: 2 }, start);
    bucket.tryTake(start);
    bucket.tryTake(start);
    expect(bucket.isFull(start + 500)).toBe(false);
    expect(bucket.isFull(start + 999)).toBe(false);
    expect(bucket.isFull(start + 1000)).toBe(true);
  });

  it('exposes the rate it was made with', () => {
    const rate = { limit: 5, intervalMs: 250, burst: 7 };
    expect(new TokenBucket(rate, start).rate).toEqual(rate);
  });
});
