import type { IncomingMessage } from 'node:http';
import type { ConnectionSlot } from '../limits/connection-limits.js';
import type { MessageRate } from '../limits/rate-limiter.js';

/**
 * - `waiting`: accepted without credentials; only `auth`, `ping` and `pong` frames are handled.
 * - `authenticating`: an `auth` frame is being verified; other frames wait for the outcome.
 * - `open`: authenticated, or anonymous where the namespace allows it.
 */
export type SessionPhase = 'waiting' | 'authenticating' | 'open';

/** The user and tenant a token names (not the tenant sources). */
export interface Credentials {
  userId: string | undefined;
  tenant: string | undefined;
}

const openFromStart = Promise.resolve(true);

/** setTimeout takes at most 2^31-1 ms; longer waits are re-armed when that fires. */
const maxTimerDelay = 2_147_483_647;

/** What the gateway keeps per connection to admit it and keep it admitted: timers, counts, rates. */
export class Session {
  phase: SessionPhase;
  lastActivity = Date.now();
  /** The connection's counts; set through `recount`. */
  slot: ConnectionSlot | undefined;
  /** The last `recount`, which the next one waits for. */
  private counting: Promise<unknown> = Promise.resolve();
  rate: MessageRate | undefined;
  /** Who the session's token named; undefined while anonymous. A refresh must name the same. */
  credentials: Credentials | undefined;
  /** Settles true once the connection may run its namespace's hooks, false if it never may. */
  readonly authenticated: Promise<boolean>;
  /** Settles `authenticated`; absent for a session open from the start, already settled. */
  private settleAuthentication: ((ok: boolean) => void) | undefined;
  private authTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  #ended = false;

  /**
   * `request` is the upgrade request, kept only where in-band authentication may need it (the
   * authenticator and handshake guards read it); elsewhere it is let go with the handshake.
   */
  constructor(
    readonly request: IncomingMessage | undefined,
    phase: SessionPhase,
  ) {
    this.phase = phase;
    // Most sessions are open from the start: they share one settled promise.
    this.authenticated =
      phase === 'open'
        ? openFromStart
        : new Promise((resolve) => {
            this.settleAuthentication = resolve;
          });
  }

  /** An `auth` frame arrived: the auth timeout no longer applies, later frames wait for the outcome. */
  beginAuthentication(): void {
    clearTimeout(this.authTimer);
    this.phase = 'authenticating';
  }

  /** Leaves `waiting` for good: `ok` lets the namespace's hooks run. */
  finishAuthentication(ok: boolean): void {
    this.phase = ok ? 'open' : 'authenticating';
    this.settleAuthentication?.(ok);
  }

  startAuthTimer(ms: number, onTimeout: () => void): void {
    this.authTimer = setTimeout(onTimeout, ms);
  }

  /** Calls `onExpire` at `expiresAt` (ms since epoch); replaces any earlier schedule. */
  scheduleExpiry(expiresAt: number | undefined, onExpire: () => void): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (expiresAt === undefined) return;
    const arm = () => {
      const left = expiresAt - Date.now();
      this.expiryTimer = left <= 0 ? undefined : setTimeout(arm, Math.min(left, maxTimerDelay));
      if (left <= 0) onExpire();
    };
    arm();
  }

  /** Calls `onIdle` once no frame has arrived for `ms`; checks lazily instead of re-arming per frame. */
  startIdleTimer(ms: number, onIdle: () => void): void {
    const check = () => {
      const idleFor = Date.now() - this.lastActivity;
      if (idleFor >= ms) onIdle();
      else this.idleTimer = setTimeout(check, ms - idleFor);
    };
    this.idleTimer = setTimeout(check, ms);
  }

  /**
   * Changes the connection's counts with `count`, given the current ones: one change at a time
   * (counting across the cluster takes a round trip, and an `auth` frame may come at once), and
   * a session that ended meanwhile gives the new counts back. Rejects as `count` does.
   */
  recount(count: (current: ConnectionSlot | undefined) => Promise<ConnectionSlot>): Promise<void> {
    const changed = this.counting
      .then(() => count(this.slot))
      .then((slot) => {
        if (this.#ended) slot.release();
        else this.slot = slot;
      });
    this.counting = changed.catch(() => undefined);
    return changed;
  }

  /** The connection has ended: nothing more may be started for it. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Stops every timer and gives back every count; the connection has ended. */
  end(): void {
    this.#ended = true;
    clearTimeout(this.authTimer);
    clearTimeout(this.expiryTimer);
    clearTimeout(this.idleTimer);
    this.slot?.release();
    this.rate?.release();
    this.settleAuthentication?.(false);
  }
}
