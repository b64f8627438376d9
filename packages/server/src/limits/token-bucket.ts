import type { Rate } from '../broker/shared-limits.js';

export type { Rate };

/**
 * A token bucket. It refills continuously at `limit / intervalMs` and starts full, so a client
 * may send `burst` messages at once and then `limit` per interval. No timers, no allocation.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly perMs: number;

  constructor(
    readonly rate: Rate,
    now: number,
  ) {
    this.tokens = rate.burst;
    this.updatedAt = now;
    this.perMs = rate.limit / rate.intervalMs;
  }

  /** Tokens available at `now`. */
  refill(now: number): number {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.rate.burst, this.tokens + (now - this.updatedAt) * this.perMs);
      this.updatedAt = now;
    }
    return this.tokens;
  }

  /** Takes one token; call after `refill(now)` returned at least 1. */
  consume(): void {
    this.tokens -= 1;
  }

  /** Gives back a token taken for a message that was refused after all. */
  refund(): void {
    this.tokens = Math.min(this.rate.burst, this.tokens + 1);
  }

  tryTake(now: number): boolean {
    if (this.refill(now) < 1) return false;
    this.tokens -= 1;
    return true;
  }

  isFull(now: number): boolean {
    return this.refill(now) >= this.rate.burst;
  }
}
