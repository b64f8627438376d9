import type { FrameId } from '@herald/protocol';

/** One request a connection accepted from its client; `answered` once its ack or error went out. */
export interface OwedAnswer {
  readonly id: FrameId;
  answered: boolean;
}

/**
 * The requests (client frames with an `id`) a connection accepted and has not answered yet. The
 * protocol promises each exactly one `ack` or `error`: a closing connection waits for them before
 * its close frame, and answers for those still open when its patience runs out. Ids of open
 * requests are unique, so that every answer settles the very request it answers.
 */
export class OwedAnswers {
  private readonly open = new Map<FrameId, OwedAnswer>();
  private whenSettled: (() => void) | undefined;

  get size(): number {
    return this.open.size;
  }

  /** Starts owing an answer to `id`; undefined when a request with that id is still open. */
  owe(id: FrameId): OwedAnswer | undefined {
    if (this.open.has(id)) return undefined;
    const owed: OwedAnswer = { id, answered: false };
    this.open.set(id, owed);
    return owed;
  }

  /** Marks the open request with `id` answered. */
  answer(id: FrameId): void {
    const owed = this.open.get(id);
    if (!owed) return;
    owed.answered = true;
    this.open.delete(id);
    if (this.open.size === 0) this.whenSettled?.();
  }

  /** Resolves once every request is answered, after `timeout` ms, or on `release`: the first. */
  settled(timeout: number): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.whenSettled = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeout);
      this.whenSettled = done;
    });
  }

  /** Marks every open request answered and returns their ids, for a last answer to each. */
  takeAll(): FrameId[] {
    const ids = [...this.open.keys()];
    for (const owed of this.open.values()) owed.answered = true;
    this.open.clear();
    return ids;
  }

  /** Ends a pending `settled` wait at once (the socket is gone: nothing more can be sent). */
  release(): void {
    this.whenSettled?.();
  }
}
