/** Something with frames waiting to be written. */
export interface Flushable {
  flush(): void;
}

/**
 * Coalesces writes: every queue that received frames during one event-loop turn is flushed
 * once, after the turn's I/O callbacks, so its frames leave in one write (one writev syscall).
 */
export class FlushScheduler {
  private dirty = new Set<Flushable>();
  private scheduled = false;

  markDirty(queue: Flushable): void {
    this.dirty.add(queue);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }

  private run = (): void => {
    this.scheduled = false;
    const batch = this.dirty;
    this.dirty = new Set();
    for (const queue of batch) queue.flush();
  };
}
