import { reconnectAdvice } from '@herald/protocol';
import { Backoff, equalJitter } from './backoff.js';

export interface ReconnectOptions {
  /** Milliseconds before the first retry (before jitter). Default 500. */
  initialDelay: number;
  /** Cap in milliseconds of the backoff delay; also the delay after a limit (4008). Default 20 000. */
  maxDelay: number;
  /** Default 2. */
  factor: number;
  /** Failed reconnects in a row before giving up; 0 means never give up. Default 0. */
  maxAttempts: number;
  /** Upper bound in ms of the random delay after a shutdown (1001) without a notice. Default 2 000. */
  shutdownJitter: number;
}

const defaults: ReconnectOptions = {
  initialDelay: 500,
  maxDelay: 20_000,
  factor: 2,
  maxAttempts: 0,
  shutdownJitter: 2_000,
};

/** What the client knows at a close that changes the delay. */
export interface CloseContext {
  /** The client can get a new token (it has `getToken`), so a 4010 is worth a retry. */
  canRefreshToken: boolean;
  /** The `reconnectWithin` of the gateway's `shutdown` notice, when one came before the close. */
  shutdownWindow: number | undefined;
}

/**
 * When to reconnect after a close, by the protocol's close-code table: never after a refusal,
 * soon with jitter after a shutdown, late after a limit, with exponential backoff and full
 * jitter otherwise; and when to give up.
 */
export class ReconnectPolicy {
  readonly options: ReconnectOptions;
  private readonly backoff: Backoff;

  constructor(options: Partial<ReconnectOptions> = {}) {
    this.options = { ...defaults, ...options };
    this.backoff = new Backoff({ ...this.options, jitter: 'full' });
  }

  /** Reconnect attempts made since the last successful connection. */
  get attempt(): number {
    return this.backoff.attempt;
  }

  /** A connection succeeded: the next failure starts from the first delay again. */
  reset(): void {
    this.backoff.reset();
  }

  /**
   * Milliseconds before reconnecting after a close with `code`; `undefined` not to reconnect,
   * `'exhausted'` when `maxAttempts` is used up.
   */
  delayAfter(code: number, context: CloseContext): number | undefined | 'exhausted' {
    const advice = reconnectAdvice(code);
    if (advice === 'no' || (advice === 'after-refresh' && !context.canRefreshToken))
      return undefined;
    const delay = this.backoff.next();
    if (delay === undefined) return 'exhausted';
    switch (advice) {
      case 'jitter':
        // A restart: everyone comes back at once, so spread the herd over the announced window.
        return Math.random() * (context.shutdownWindow ?? this.options.shutdownJitter);
      case 'later':
        return equalJitter(this.options.maxDelay);
      default:
        return delay;
    }
  }
}

/**
 * Delays between tries of a request the gateway refused for now (a temporary error code, such as
 * a subscribe while its broker is away): the reconnect delays (`initialDelay`, `factor`,
 * `maxDelay`) with full jitter, never giving up.
 */
export function retryBackoff(options: Partial<ReconnectOptions> = {}): Backoff {
  const { initialDelay, maxDelay, factor } = { ...defaults, ...options };
  return new Backoff({ initialDelay, maxDelay, factor, maxAttempts: 0, jitter: 'full' });
}
