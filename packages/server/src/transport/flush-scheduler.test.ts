import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlushScheduler, type Flushable } from './flush-scheduler.js';

/** A queue that writes its name to `log` each time it is flushed. */
function queue(name: string, log: string[], onFlush?: () => void): Flushable {
  return {
    flush() {
      log.push(name);
      onFlush?.();
    },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('FlushScheduler', () => {
  it('flushes a dirty queue after the current turn, not during it', async () => {
    const log: string[] = [];
    const scheduler = new FlushScheduler();
    scheduler.markDirty(queue('a', log));
    expect(log).toEqual([]);
    // Not in this turn's microtasks nor its next-tick callbacks either.
    await new Promise<void>((resolve) => process.nextTick(resolve));
    await Promise.resolve();
    expect(log).toEqual([]);
    await nextTurn();
    expect(log).toEqual(['a']);
  });

  it('flushes a queue once per turn however often it was marked', async () => {
    const log: string[] = [];
    const scheduler = new FlushScheduler();
    const a = queue('a', log);
    for (let i = 0; i < 1000; i++) scheduler.markDirty(a);
    await nextTurn();
    expect(log).toEqual(['a']);
    await nextTurn();
    expect(log).toEqual(['a']);
  });

  it('schedules one callback per turn for all its queues', async () => {
    const immediate = vi.spyOn(globalThis, 'setImmediate');
    const log: string[] = [];
    const scheduler = new FlushScheduler();
    for (const name of ['a', 'b', 'c']) {
      const q = queue(name, log);
      scheduler.markDirty(q);
      scheduler.markDirty(q);
    }
    expect(immediate).toHaveBeenCalledTimes(1);
    immediate.mockRestore();
    await nextTurn();
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('flushes queues in the order they were first marked', async () => {
    const log: string[] = [];
    const scheduler = new FlushScheduler();
    const [a, b, c] = ['a', 'b', 'c'].map((name) => queue(name, log)) as [
      Flushable,
      Flushable,
      Flushable,
    ];
    scheduler.markDirty(c);
    scheduler.markDirty(a);
    scheduler.markDirty(c);
    scheduler.markDirty(b);
    await nextTurn();
    expect(log).toEqual(['c', 'a', 'b']);
  });

  it('includes queues marked later in the same turn, before its I/O callbacks end', async () => {
    const log: string[] = [];
    const scheduler = new FlushScheduler();
    scheduler.markDirty(queue('a', log));
    // Queued after the scheduler's own callback: it runs once the batch is flushed.
    setImmediate(() => log.push('next immediate'));
    queueMicrotask(() => scheduler.markDirty(queue('b', log)));
    process.nextTick(() => scheduler.markDirty(queue('c', log)));
    await nextTurn();
    expect(log).toHaveLength(4);
    expect(log[0]).toBe('a');
    expect(log.slice(1, 3).sort()).toEqual(['b', 'c']);
    expect(log[3]).toBe('next immediate');
  });

  it('schedules again for every turn with dirty queues', async () => {
    const log: string[] = [];
    const scheduler = new FlushScheduler();
    const a = queue('a', log);
    for (let turn = 0; turn < 5; turn++) {
      scheduler.markDirty(a);
      scheduler.markDirty(a);
      await nextTurn();
    }
    expect(log).toEqual(['a', 'a', 'a', 'a', 'a']);
  });

  it('leaves a queue marked during a flush to the next turn', async () => {
    const log: string[] = [];
    const scheduler = new FlushScheduler();
    let again = true;
    const a: Flushable = queue('a', log, () => {
      // A flush that leaves frames behind (the socket filled up) marks its queue again.
      if (again) scheduler.markDirty(a);
      again = false;
    });
    const b = queue('b', log);
    scheduler.markDirty(a);
    scheduler.markDirty(b);
    await nextTurn();
    expect(log).toEqual(['a', 'b']);
    await nextTurn();
    expect(log).toEqual(['a', 'b', 'a']);
    await nextTurn();
    expect(log).toEqual(['a', 'b', 'a']);
  });

  it('keeps separate schedulers apart', async () => {
    const log: string[] = [];
    const first = new FlushScheduler();
    const second = new FlushScheduler();
    first.markDirty(queue('a', log));
    await nextTurn();
    second.markDirty(queue('b', log));
    await nextTurn();
    expect(log).toEqual(['a', 'b']);
  });
});
