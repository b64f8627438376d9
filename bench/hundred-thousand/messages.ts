/** The IPC messages between bench/hundred-thousand.ts and its gateway and client processes. */

export type Memory = { rss: number; heapUsed: number; heapTotal: number };

/** To a gateway node. */
export type NodeCommand =
  | { type: 'memory' }
  | { type: 'publish'; channel: string; from: number; count: number; rate: number };

/** From a gateway node. */
export type NodeReport =
  | { type: 'ready'; port: number }
  | ({ type: 'memory' } & Memory)
  | { type: 'published'; failed: number; lateMs: number };

/** To a client process. */
export type ClientCommand =
  | {
      type: 'connect';
      urls: string[];
      channel: string;
      connections: number;
      localAddress: string;
      concurrency: number;
      publications: number;
    }
  | { type: 'report' };

/** What a client process counted: receipts per publication sequence number, and their lag. */
export type ClientTally = {
  /** receipts[seq]: how many of this process's connections received publication `seq`. */
  receipts: number[];
  /** completedAt[seq]: when the last of them did (ms since epoch), or 0 while some have not. */
  completedAt: number[];
  duplicates: number;
  minLagMs: number;
  maxLagMs: number;
  pings: number;
  closed: number;
  closeCodes: Record<string, number>;
  memory: Memory;
};

/** From a client process. */
export type ClientReport =
  | { type: 'progress'; connected: number }
  | { type: 'connected'; connected: number; retries: number; ms: number }
  | { type: 'failed'; message: string }
  | ({ type: 'tally' } & ClientTally);
