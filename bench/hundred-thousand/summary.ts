import type { ClientReport, ClientTally, Memory } from './messages.js';

type Run = {
  parameters: Record<string, string | number | undefined>;
  machine: Record<string, string | number>;
  connect: { ms: number; perClient: Extract<ClientReport, { type: 'connected' }>[] };
  first: { reachedAllMs: number | null; failed: number };
  sustained: {
    failed: number;
    publisherLateMs: number;
    scheduledMs: number;
    /** From the first sustained publication until every connection had the last one; null if some never did. */
    allDeliveredAfterMs: number | null;
  };
  memory: { idle: Memory[]; connected: Memory[]; loaded: Memory[]; perNodeConnections: number[] };
  /** Connections per client process. */
  shares: number[];
  tallies: ClientTally[];
};

const mib = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** A node's memory in MiB, and what each of its connections added over the idle node. */
function nodeRow(idle: Memory, connected: Memory, loaded: Memory, connections: number) {
  return {
    connections,
    idleRssMiB: mib(idle.rss),
    connectedRssMiB: mib(connected.rss),
    connectedHeapUsedMiB: mib(connected.heapUsed),
    loadedRssMiB: mib(loaded.rss),
    loadedHeapUsedMiB: mib(loaded.heapUsed),
    rssPerConnectionKiB: Number(((connected.rss - idle.rss) / connections / 1024).toFixed(2)),
    heapPerConnectionKiB: Number(
      ((connected.heapUsed - idle.heapUsed) / connections / 1024).toFixed(2),
    ),
  };
}

/** Close codes over all client processes, with how many connections ended with each. */
function closeCodes(tallies: ClientTally[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const t of tallies) {
    for (const [code, count] of Object.entries(t.closeCodes))
      total[code] = (total[code] ?? 0) + count;
  }
  return total;
}

/** The result file's content: a summary first, then per-node and per-client-process detail. */
export function summarize(run: Run) {
  const connections = sum(run.shares);
  const publications = run.tallies[0]?.receipts.length ?? 0;
  const received = sum(run.tallies.map((t) => sum(t.receipts)));
  const expected = connections * publications;
  // Per publication, the connections that never received it.
  const missingBySeq = Array.from({ length: publications }, (_, seq) =>
    sum(run.tallies.map((t, i) => Math.max(0, run.shares[i]! - t.receipts[seq]!))),
  );
  const missing = sum(missingBySeq);
  const duplicates = sum(run.tallies.map((t) => t.duplicates));
  const nodes = run.memory.idle.map((idle, i) =>
    nodeRow(
      idle,
      run.memory.connected[i]!,
      run.memory.loaded[i]!,
      run.memory.perNodeConnections[i]!,
    ),
  );
  const totalRss = (which: Memory[]) => mib(sum(which.map((m) => m.rss)));
  return {
    benchmark: 'hundred-thousand',
    date: new Date().toISOString(),
    topology:
      `${run.memory.idle.length} gateway processes on one machine in one cluster through the ` +
      `${String(run.parameters.broker)} broker, not one process: ulimit -n is ${run.machine.fdLimit} ` +
      `here and cannot be raised, so one process holds at most that many sockets. The publisher ` +
      `is node 0; clients are spread evenly over all nodes.`,
    parameters: run.parameters,
    machine: run.machine,
    summary: {
      connections,
      connectSeconds: Number((run.connect.ms / 1000).toFixed(1)),
      connectRetries: sum(run.connect.perClient.map((c) => c.retries)),
      firstPublicationReachedAllMs: run.first.reachedAllMs,
      publications,
      receiptsExpected: expected,
      receipts: received,
      missing,
      duplicates,
      publishFailures: run.first.failed + run.sustained.failed,
      everyPublicationReachedEveryConnection: missing === 0 && duplicates === 0 && expected > 0,
      lagMs: {
        min: Math.min(...run.tallies.map((t) => t.minLagMs)),
        max: Math.max(...run.tallies.map((t) => t.maxLagMs)),
      },
      publisherBehindScheduleMs: run.sustained.publisherLateMs,
      sustainedScheduledMs: run.sustained.scheduledMs,
      sustainedAllDeliveredAfterMs: run.sustained.allDeliveredAfterMs,
      pingsReceived: sum(run.tallies.map((t) => t.pings)),
      connectionsClosed: sum(run.tallies.map((t) => t.closed)),
      closeCodes: closeCodes(run.tallies),
      gatewayRssMiB: {
        idle: totalRss(run.memory.idle),
        connected: totalRss(run.memory.connected),
        loaded: totalRss(run.memory.loaded),
      },
      clientRssMiB: mib(sum(run.tallies.map((t) => t.memory.rss))),
    },
    nodes,
    clients: run.tallies.map((t, i) => ({
      connections: run.shares[i],
      connectSeconds: Number(((run.connect.perClient[i]?.ms ?? 0) / 1000).toFixed(1)),
      retries: run.connect.perClient[i]?.retries,
      receipts: sum(t.receipts),
      missing: sum(t.receipts.map((r) => Math.max(0, run.shares[i]! - r))),
      minLagMs: t.minLagMs,
      maxLagMs: t.maxLagMs,
      pings: t.pings,
      closed: t.closed,
      rssMiB: mib(t.memory.rss),
      heapUsedMiB: mib(t.memory.heapUsed),
    })),
    missingBySeq: Object.fromEntries(missingBySeq.flatMap((m, seq) => (m > 0 ? [[seq, m]] : []))),
  };
}
