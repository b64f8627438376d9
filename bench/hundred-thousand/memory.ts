import type { Memory } from './messages.js';

/**
 * This process's memory; with `collect`, after a full collection when the process runs with
 * --expose-gc (a client polled every 250 ms skips it: collecting that often costs a core).
 */
export function memoryNow(collect = true): Memory {
  if (collect) globalThis.gc?.();
  const { rss, heapUsed, heapTotal } = process.memoryUsage();
  return { rss, heapUsed, heapTotal };
}
