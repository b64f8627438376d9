import type { Memory } from './messages.js';

/** This process's memory, after a full collection when the process runs with --expose-gc. */
export function memoryNow(): Memory {
  globalThis.gc?.();
  const { rss, heapUsed, heapTotal } = process.memoryUsage();
  return { rss, heapUsed, heapTotal };
}
