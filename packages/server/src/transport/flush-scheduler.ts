/** Something with frames waiting to be written. */
export interface Flushable {
  flush(): void;
}

/**
 * Coalesces writes: every queue that received frames during one event-loop turn is flushed
 * once, after the turn's I/O callbacks, so its frames leave in one write (one writev syscall).
 * Frames allowed to wait (`writeDelay`) gather longer: every queue marked with the same delay
 * is flushed by one shared timer, started by the first of them, so no frame waits longer than
 * its delay and a busy node runs one timer per delay value, not one per socket.
 */
export class FlushScheduler {
  private dirty = new Set<Flushable>();
  private scheduled = false;
  /** Queues waiting for a delay (ms), each set flushed by one timer. */
  private readonly delayed = new Map<number, Set<Flushable>>();

  /** Flushes `queue` after this turn, or within `delay` milliseconds when it is above 0. */
  markDirty(queue: Flushable, delay = 0): void {
    if (delay > 0) {
      this.markDelayed(queue, delay);
      return;
    }
    this.dirty.add(queue);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }

  private markDelayed(queue: Flushable, delay: number): void {
    const waiting = this.delayed.get(delay);
    if (waiting) {
      waiting.add(queue);
      return;
    }
    const queues = new Set([queue]);
    this.delayed.set(delay, queues);
    setTimeout(() => {
      this.delayed.delete(delay);
      // A queue flushed since (by a frame that could not wait) has nothing left: a no-op.
      for (const each of queues) each.flush();
    }, delay);
  }

  private run = (): void => {
    this.scheduled = false;
    const batch = this.dirty;
    this.dirty = new Set();
    for (const queue of batch) queue.flush();
  };
}
