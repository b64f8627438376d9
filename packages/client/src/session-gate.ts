import type { ServerFrame } from '@herald/protocol';
import { ConnectionError, type CloseInfo } from './errors.js';

/**
 * - `idle`: no attempt under way;
 * - `opening`: getting a token, opening the socket;
 * - `open`: the socket is open, the gateway has not accepted the session yet;
 * - `accepted`: the gateway sent `system` `connected`.
 */
type Phase = 'idle' | 'opening' | 'open' | 'accepted';

interface Waiter {
  until: 'open' | 'accepted';
  resolve: () => void;
  reject: (error: ConnectionError) => void;
}

/**
 * One connect attempt, from getting a token to the gateway's `system` `connected` frame: the
 * WebSocket `open` event only says the upgrade went through, a refused token is answered after it.
 * Bounds the attempt with `connectTimeout`, remembers why the gateway refused, and settles what
 * waits for the socket or the session.
 */
export class SessionGate {
  #phase: Phase = 'idle';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timedOut = false;
  /** Set while the last frame received is an error without id: the reason for a close that follows. */
  #refusal: { code: string; message: string } | undefined;
  #waiters: Waiter[] = [];

  constructor(
    private readonly timeout: number,
    private readonly onTimeout: () => void,
  ) {}

  /** The socket is open and the session not accepted yet: only `auth` frames may go out. */
  get awaitingSession(): boolean {
    return this.#phase === 'open';
  }

  /** An attempt starts: `connectTimeout` runs from now. */
  begin(): void {
    clearTimeout(this.#timer);
    this.#phase = 'opening';
    this.#timedOut = false;
    this.#refusal = undefined;
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.onTimeout();
    }, this.timeout);
  }

  socketOpened(): void {
    this.#phase = 'open';
    this.#settle('open');
  }

  /** Called with every frame from the gateway. */
  received(frame: ServerFrame): void {
    this.#refusal =
      frame.type === 'error' && frame.id === undefined
        ? { code: frame.code, message: frame.message }
        : undefined;
  }

  /** The `connected` frame: true when it accepts the pending session (not a repeat). */
  accept(): boolean {
    if (this.#phase !== 'open') return false;
    clearTimeout(this.#timer);
    this.#phase = 'accepted';
    this.#settle('accepted');
    return true;
  }

  /** Resolves once a session is accepted; rejects when the attempt under way fails first. */
  session(): Promise<void> {
    return this.#wait('accepted');
  }

  /** Resolves once the socket being opened is open, at once when none is opening. */
  socket(): Promise<void> {
    return this.#phase === 'opening' ? this.#wait('open') : Promise.resolve();
  }

  /**
   * The socket is gone, or never came: returns why, as an error (`cause` when the client itself
   * ended it), and rejects what waited for the attempt when its session was not accepted.
   */
  ended(close: CloseInfo, cause?: ConnectionError): ConnectionError {
    clearTimeout(this.#timer);
    const error = cause ?? this.#explain(close);
    const refused = this.#phase !== 'accepted';
    this.#phase = 'idle';
    this.#refusal = undefined;
    if (refused) for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    return error;
  }

  #explain(close: CloseInfo): ConnectionError {
    const { closeCode, closeReason } = close;
    if (this.#refusal) return new ConnectionError(this.#refusal.code, this.#refusal.message, close);
    if (this.#timedOut) {
      return new ConnectionError(
        'WS_TIMEOUT',
        `no session accepted within ${this.timeout} ms (connectTimeout)`,
        close,
      );
    }
    const detail = closeReason ? ` ${closeReason}` : '';
    return new ConnectionError(
      'WS_DISCONNECTED',
      `connection closed (${closeCode}${detail})`,
      close,
    );
  }

  #wait(until: Waiter['until']): Promise<void> {
    if (this.#phase === 'accepted') return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ until, resolve, reject }));
  }

  /** Resolves the waiters that `reached` satisfies: every one on acceptance. */
  #settle(reached: Waiter['until']): void {
    const done = this.#waiters.filter((w) => reached === 'accepted' || w.until === reached);
    this.#waiters = this.#waiters.filter((w) => !done.includes(w));
    for (const waiter of done) waiter.resolve();
  }
}
