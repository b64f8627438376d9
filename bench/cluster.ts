/**
 * Cluster benchmark: a publisher on node 1, subscribers on node 2, through Redis and through
 * NATS, beside the single-node figure (publisher and subscribers on one memory-broker node).
 * Reports deliveries per second and publish→receive latency p50/p99 (both processes on one
 * machine share its clock). Writes bench/results/cluster.json.
 *
 *   npm run bench:cluster [-- --subscribers 200 --messages 1000 --batch 10 --interval 5 --modes single,redis,nats]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { subscribe } from './subscribe.js';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '200' },
    messages: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '10' },
    interval: { type: 'string', default: '5' },
    modes: { type: 'string', default: 'single,redis,nats' },
  },
});
const subscribers = Number(values.subscribers);
const messages = Number(values.messages);
const batch = Number(values.batch);
const intervalMs = Number(values.interval);

async function startNode(
  broker: string,
  run: string,
): Promise<{ process: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL('./cluster-node.ts', import.meta.url)), [broker], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_RUN: run },
  });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m: { port: number }) => resolve(m.port)),
  );
  return { process: child, port };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;

async function measure(mode: string) {
  const run = randomUUID();
  const broker = mode === 'single' ? 'memory' : mode;
  const publisher = await startNode(broker, run);
  const receiver = mode === 'single' ? publisher : await startNode(broker, run);
  const latencies: number[] = [];
  const expected = subscribers * messages;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const sockets = await Promise.all(
    Array.from({ length: subscribers }, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${receiver.port}/bench`);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      await subscribe(ws, 'bench');
      ws.on('message', (data: Buffer) => {
        const { payload } = JSON.parse(data.toString()) as { payload: { sentAt: number } };
        latencies.push(performance.timeOrigin + performance.now() - payload.sentAt);
        if (latencies.length === expected) done();
      });
      return ws;
    }),
  );
  // Let the receiving node's broker subscription settle before publishing.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const started = performance.now();
  publisher.process.send({ type: 'run', messages, batch, intervalMs });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  for (const ws of sockets) ws.terminate();
  for (const node of new Set([publisher, receiver])) node.process.kill();
  latencies.sort((a, b) => a - b);
  return {
    deliveriesPerSecond: Math.round(expected / seconds),
    latencyMs: {
      p50: Number(percentile(latencies, 0.5).toFixed(2)),
      p99: Number(percentile(latencies, 0.99).toFixed(2)),
    },
  };
}

const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
for (const mode of values.modes.split(',')) {
  results[mode] = await measure(mode);
  console.log(mode, results[mode]);
}
const report = {
  benchmark: 'cluster',
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  subscribers,
  messages,
  publishRate: `${batch} every ${intervalMs} ms`,
  topology: {
    single: 'publisher and subscribers on one node (memory broker)',
    redis: 'publisher on node 1, subscribers on node 2',
    nats: 'publisher on node 1, subscribers on node 2',
  },
  results,
};
await writeFile(
  new URL('./results/cluster.json', import.meta.url),
  `${JSON.stringify(report, null, 2)}\n`,
);
