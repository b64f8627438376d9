/**
 * 100,000 concurrent connections on one machine: a cluster of gateway nodes (one process holds
 * at most `ulimit -n` sockets, 20,000 here and not raisable, so one node cannot hold 100,000),
 * every connection subscribed to one channel with heartbeats on, fed from several client
 * processes each on its own loopback source address (127.0.0.2, 127.0.0.3, ...) so that
 * source ports do not run out. Measures the nodes' memory, the time to connect all, the time
 * for one publication made on the first node to reach every connection, and a sustained rate of
 * publications with every receipt counted. Writes bench/results/hundred-thousand.json.
 *
 *   npm run bench:100k [-- --connections 100000 --nodes 6 --clients 8 --rate 10 --seconds 60
 *     --broker nats --ping-interval 10000 --concurrency 300 --out path.json]
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { ClientReport, ClientTally, Memory, NodeReport } from './hundred-thousand/messages.js';
import { killAll, nextMessage, start } from './hundred-thousand/processes.js';
import { summarize } from './hundred-thousand/summary.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '100000' },
    nodes: { type: 'string', default: '6' },
    clients: { type: 'string', default: '8' },
    rate: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '60' },
    broker: { type: 'string', default: 'nats' },
    'ping-interval': { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '300' },
    'connect-timeout': { type: 'string', default: '600' },
    // How long after its schedule delivery may take before what has not arrived counts as missing.
    drain: { type: 'string', default: '300' },
    out: {
      type: 'string',
      default: new URL('./results/hundred-thousand.json', import.meta.url).pathname,
    },
  },
});
const connections = Number(values.connections);
const nodeCount = Number(values.nodes);
const clientCount = Number(values.clients);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const pingInterval = Number(values['ping-interval']);
const concurrency = Number(values.concurrency);
const connectTimeoutMs = Number(values['connect-timeout']) * 1000;
const drainMs = Number(values.drain) * 1000;
const publications = 1 + rate * seconds;
/** Source ports a client process binds on its own address (see client.ts for why it picks them). */
const sourcePorts = 65_535 - 10_000;

const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
const perNode = Math.ceil(connections / nodeCount);
const perClient = Math.ceil(connections / clientCount);
// A few descriptors go to the broker connection, the listener and Node itself.
if (perNode > fdLimit - 200 || perClient > fdLimit - 200) {
  throw new Error(
    `${perNode} connections per node and ${perClient} per client process exceed ulimit -n ${fdLimit}: raise --nodes or --clients`,
  );
}
if (perClient > sourcePorts)
  throw new Error(
    `${perClient} connections per client process exceed one source address's ${sourcePorts} ports: raise --clients`,
  );
if (values.broker === 'memory' && nodeCount > 1)
  throw new Error('--broker memory joins no cluster: use --nodes 1');

const isType =
  <T extends { type: string }, K extends T['type']>(type: K) =>
  (message: T): message is Extract<T, { type: K }> =>
    message.type === type;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const seconds1 = (ms: number) => Number((ms / 1000).toFixed(1));

// Fixed prefix: repeated runs reuse the broker's streams; the channel is new each run.
const prefix = 'herald-bench-100k';
const channel = `bench-${randomUUID()}`;
const nodes = Array.from({ length: nodeCount }, () =>
  start('./node.ts', [values.broker, prefix, String(pingInterval)]),
);
const ports = await Promise.all(
  nodes.map(async (node, i) => {
    const ready = await nextMessage(
      node,
      isType<NodeReport, 'ready'>('ready'),
      `node ${i} to listen`,
      60_000,
    );
    return ready.port;
  }),
);
const nodeMemory = () =>
  Promise.all(
    nodes.map((node, i) => {
      node.send({ type: 'memory' });
      return nextMessage(
        node,
        isType<NodeReport, 'memory'>('memory'),
        `node ${i}'s memory`,
        30_000,
      );
    }),
  ) as Promise<Memory[]>;
const idleMemory = await nodeMemory();

const clients = Array.from({ length: clientCount }, () => start('./client.ts', []));
const connected = new Array<number>(clientCount).fill(0);
clients.forEach((client, i) =>
  client.on('message', (message: ClientReport) => {
    if (message.type === 'progress') connected[i] = message.connected;
    if (message.type !== 'failed') return;
    console.error(`client process ${i}: ${message.message}`);
    killAll();
    process.exit(1);
  }),
);
const progress = setInterval(
  () => console.log(`connected ${sum(connected)} of ${connections}`),
  5000,
);
const connectStarted = Date.now();
const shares = clients.map(
  (_, i) => Math.floor(connections / clientCount) + (i < connections % clientCount ? 1 : 0),
);
const done = await Promise.all(
  clients.map((client, i) => {
    client.send({
      type: 'connect',
      urls: ports.map((port) => `ws://127.0.0.1:${port}/bench`),
      channel,
      connections: shares[i],
      localAddress: `127.0.0.${i + 2}`,
      concurrency,
      publications,
    });
    return nextMessage(
      client,
      isType<ClientReport, 'connected'>('connected'),
      `client process ${i} to connect ${shares[i]} (connecting stalled: see the counts above)`,
      connectTimeoutMs,
    );
  }),
).finally(() => clearInterval(progress));
const connectMs = Date.now() - connectStarted;
console.log(`all ${connections} connected in ${seconds1(connectMs)} s`);
const connectedMemory = await nodeMemory();

/** Asks node 0 to publish, and waits until it has. */
async function publish(from: number, count: number, publishRate: number) {
  nodes[0]!.send({ type: 'publish', channel, from, count, rate: publishRate });
  return nextMessage(
    nodes[0]!,
    isType<NodeReport, 'published'>('published'),
    'node 0 to publish',
    (count / publishRate) * 1000 + drainMs,
  );
}
const tallies = (): Promise<ClientTally[]> =>
  Promise.all(
    clients.map((client, i) => {
      client.send({ type: 'report' });
      return nextMessage(
        client,
        isType<ClientReport, 'tally'>('tally'),
        `client process ${i}'s tally`,
        60_000,
      );
    }),
  );
/** Polls the clients until every connection has `seqs`, or `graceMs` passed. */
async function settle(seqs: number[], graceMs: number): Promise<ClientTally[]> {
  const deadline = Date.now() + graceMs;
  let lastLog = Date.now();
  for (;;) {
    const tally = await tallies();
    const complete = tally.every((t) => seqs.every((seq) => t.completedAt[seq]! > 0));
    if (complete || Date.now() > deadline) return tally;
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      const closed = sum(tally.map((t) => t.closed));
      console.log(
        `received ${sum(tally.map((t) => sum(t.receipts)))}, ${closed} connections closed`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// Let every node's broker subscription for the channel reach the broker.
await new Promise((resolve) => setTimeout(resolve, 1000));
const firstSent = Date.now();
const first = await publish(0, 1, 1);
const afterFirst = await settle([0], drainMs);
const firstReachedAll = Math.max(...afterFirst.map((t) => t.completedAt[0]!));
console.log(`publication 0 reached all in ${firstReachedAll - firstSent} ms`);

const sustainedStarted = Date.now();
const sustained = await publish(1, publications - 1, rate);
const sustainedSeqs = Array.from({ length: publications - 1 }, (_, i) => i + 1);
const final = await settle(sustainedSeqs, drainMs);
// When the last connection had the last publication: how long the sustained phase really took.
const lastCompleted = Math.max(...final.map((t) => t.completedAt[publications - 1]!));
const loadedMemory = await nodeMemory();

const report = summarize({
  parameters: {
    connections,
    nodes: nodeCount,
    clientProcesses: clientCount,
    rate,
    seconds,
    broker: values.broker,
    pingIntervalMs: pingInterval,
    connectConcurrency: concurrency,
  },
  machine: { node: process.version, cpus: cpus().length, fdLimit },
  connect: { ms: connectMs, perClient: done },
  first: {
    reachedAllMs: firstReachedAll > 0 ? firstReachedAll - firstSent : null,
    failed: first.failed,
  },
  sustained: {
    failed: sustained.failed,
    publisherLateMs: sustained.lateMs,
    scheduledMs: seconds * 1000,
    allDeliveredAfterMs: lastCompleted > 0 ? lastCompleted - sustainedStarted : null,
  },
  memory: {
    idle: idleMemory,
    connected: connectedMemory,
    loaded: loadedMemory,
    perNodeConnections: ports.map((_, k) =>
      sum(shares.map((share) => Math.floor(share / nodeCount) + (k < share % nodeCount ? 1 : 0))),
    ),
  },
  shares,
  tallies: final,
});
await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report.summary, null, 2));
killAll();
process.exit(report.summary.everyPublicationReachedEveryConnection ? 0 : 1);
