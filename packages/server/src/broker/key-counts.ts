/**
 * Counts per key that drop the key at zero: a node's open connections per limit key, and the
 * counts a broker restates for the node on each heartbeat (see `SharedLimits`).
 */
export class KeyCounts {
  private readonly counts = new Map<string, number>();

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: string): void {
    this.counts.set(key, this.get(key) + 1);
  }

  /** Returns the count left for `key` (0 once none is). */
  remove(key: string): number {
    const left = this.get(key) - 1;
    if (left > 0) this.counts.set(key, left);
    else this.counts.delete(key);
    return Math.max(left, 0);
  }

  entries(): IterableIterator<[key: string, count: number]> {
    return this.counts.entries();
  }
}
