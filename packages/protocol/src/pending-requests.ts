import type { FrameId } from './frames.js';

export interface PendingRequestsOptions {
  /** Put before each issued id: `'s'` issues `s1`, `s2`, …; without one, ids are numbers 1, 2, … */
  idPrefix?: string;
}

/** One request to make: how to send it once it has an id, and how long to wait for the answer. */
export interface OutgoingRequest {
  /**
   * Sends the request with `id`; called at once, after the request is registered (so it may
   * settle it). A throw drops the request, which rejects with what was thrown.
   */
  send(id: FrameId): void;
  /** Milliseconds to wait for the answer. */
  timeout: number;
  /** The error the request rejects with when no answer came in time (after it was dropped). */
  timeoutError(): Error;
}

/** How a request ended: the payload of its `ack`, or the error it rejects with. */
export type RequestOutcome = { payload: unknown } | { error: Error };

interface Entry {
  resolve(payload: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The requests awaiting an answer, by id: the bookkeeping behind every "send with an `id`, wait
 * for exactly one `ack` or `error`" on either side of the wire. Each request settles once: by its
 * answer, by its timer, or when the connection that carried it goes.
 */
export class PendingRequests {
  readonly #entries = new Map<FrameId, Entry>();
  readonly #idPrefix: string | undefined;
  #nextId = 1;

  constructor(options: PendingRequestsOptions = {}) {
    this.#idPrefix = options.idPrefix;
  }

  /** Requests awaiting an answer. */
  get size(): number {
    return this.#entries.size;
  }

  /** Issues an id for `request`, starts its timer and sends it; resolves with the answer's payload. */
  request(request: OutgoingRequest): Promise<unknown> {
    const count = this.#nextId++;
    const id = this.#idPrefix === undefined ? count : `${this.#idPrefix}${count}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#entries.delete(id);
        reject(request.timeoutError());
      }, request.timeout);
      this.#entries.set(id, { resolve, reject, timer });
      try {
        request.send(id);
      } catch (error) {
        this.settle(id, { error: error instanceof Error ? error : new Error(String(error)) });
      }
    });
  }

  /** Ends the request `id` with `outcome`; false when no request with that id awaits an answer. */
  settle(id: FrameId, outcome: RequestOutcome): boolean {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    this.#entries.delete(id);
    clearTimeout(entry.timer);
    if ('error' in outcome) entry.reject(outcome.error);
    else entry.resolve(outcome.payload);
    return true;
  }

  /**
   * Rejects with `error` every request awaiting an answer, or those `which` picks (the connection
   * that carried them is gone, or closing).
   */
  rejectAll(error: Error, which: (id: FrameId) => boolean = () => true): void {
    for (const id of [...this.#entries.keys()]) {
      if (which(id)) this.settle(id, { error });
    }
  }
}
