import { reconnectAdvice } from '@herald/protocol';
import { Backoff, equalJitter } from './backoff.js';

/** The reconnect delays and limits; `clientDefaults.reconnect` holds the defaults. */
export interface ReconnectOptions {
  /** Milliseconds before the first retry (before jitter). */
  initialDelay: number;
  /** Cap in milliseconds of the backoff delay; also the delay after a limit (4008). */
  maxDelay: number;
  factor: number;
  /** Failed reconnects in a row before giving up; 0 means never give up. */
  maxAttempts: number;
  /** Upper bound in ms of the random delay after a shutdown (1001) without a notice. */
  shutdownJitter: number;
}

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
  private readonly backoff: Backoff;

  constructor(readonly options: ReconnectOptions) {
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
export function retryBackoff({ initialDelay, maxDelay, factor }: ReconnectOptions): Backoff {
  return new Backoff({ initialDelay, maxDelay, factor, maxAttempts: 0, jitter: 'full' });
}
