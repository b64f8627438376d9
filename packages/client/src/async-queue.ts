/**
 * A FIFO that producers push into and consumers await, ending with `close()` (or failing with
 * `close(error)` once drained). Backs `client.events()` and the plain client's `recv()`.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly waiters: {
    resolve: (r: IteratorResult<T>) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private closed = false;
  private failure: { error: unknown } | undefined;

  /** Called after an item is taken, so a producer can resume reading. */
  onTake: (() => void) | undefined;

  get size(): number {
    return this.items.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(item: T): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ value: item, done: false });
    else this.items.push(item);
  }

  /** Removes the oldest item (bounded consumers drop from the front). */
  dropOldest(): T | undefined {
    return this.items.shift();
  }

  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    if (error !== undefined) this.failure = { error };
    for (const waiter of this.waiters.splice(0)) {
      if (this.failure) waiter.reject(this.failure.error);
      else waiter.resolve({ value: undefined, done: true });
    }
  }

  /** The next item; `done` once closed and drained; rejects with the close error if there was one. */
  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) {
      const value = this.items.shift() as T;
      this.onTake?.();
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) {
      return this.failure
        ? Promise.reject(this.failure.error)
        : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({
        resolve: (result) => {
          resolve(result);
          if (!result.done) this.onTake?.();
        },
        reject,
      });
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
