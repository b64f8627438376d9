/**
 * Exponential backoff shared by both clients. The delay for attempt n (1-based) is
 * `min(maxDelay, initialDelay * factor^(n-1))`, then jittered:
 * - `full` (the Herald client): a uniform draw in [0, delay], which spreads a herd of
 *   clients best (see "Exponential Backoff And Jitter", AWS Architecture Blog);
 * - a number (the plain client): the delay plus a uniform draw in [0, that many ms].
 */
export interface BackoffOptions {
  /** Milliseconds before the first retry (before jitter). */
  initialDelay: number;
  /** Upper bound in milliseconds of the un-jittered delay. */
  maxDelay: number;
  factor: number;
  /** Retries allowed in a row; 0 means no limit. */
  maxAttempts: number;
  jitter: 'full' | number;
  /** Source of randomness in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

export class Backoff {
  private attempts = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.random = options.random ?? Math.random;
  }

  /** Retries taken since the last `reset()`. */
  get attempt(): number {
    return this.attempts;
  }

  /** The next delay in ms, or `undefined` once `maxAttempts` retries have been taken. */
  next(): number | undefined {
    const { initialDelay, maxDelay, factor, maxAttempts, jitter } = this.options;
    if (maxAttempts > 0 && this.attempts >= maxAttempts) return undefined;
    const base = Math.min(maxDelay, initialDelay * factor ** this.attempts);
    this.attempts += 1;
    return jitter === 'full' ? this.random() * base : base + this.random() * jitter;
  }

  reset(): void {
    this.attempts = 0;
  }
}

/** A uniform draw in [upTo / 2, upTo]: a delay that is never short but still spreads a herd. */
export function equalJitter(upTo: number, random: () => number = Math.random): number {
  return upTo / 2 + (random() * upTo) / 2;
}
