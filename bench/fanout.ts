/**
 * Fan-out benchmark: one publisher, 1,000 subscribers, Herald against a bare `ws` loop.
 * Measures deliveries per second (seen by the clients) and server CPU microseconds per delivery
 * (process.cpuUsage in the server process). Writes bench/results/fanout.json.
 *
 *   npm run bench:fanout [-- --subscribers 1000 --messages 200 --batch 10]
 */
import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '1000' },
    messages: { type: 'string', default: '200' },
    batch: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
  },
});
const subscribers = Number(values.subscribers);
const messages = Number(values.messages);
const batch = Number(values.batch);
const rounds = Number(values.rounds);

interface RoundResult {
  deliveriesPerSecond: number;
  cpuMicrosPerDelivery: number;
}

async function round(mode: 'herald' | 'ws'): Promise<RoundResult> {
  const server = fork(fileURLToPath(new URL('./fanout-server.ts', import.meta.url)), [mode], {
    execArgv: ['--import', 'tsx'],
  });
  const port = await new Promise<number>((resolve) =>
    server.once('message', (m: { port: number }) => resolve(m.port)),
  );
  const path = mode === 'herald' ? '/bench' : '/';
  let received = 0;
  const expected = subscribers * messages;
  let done!: () => void;
  const allReceived = new Promise<void>((resolve) => (done = resolve));
  const clients = await Promise.all(
    Array.from({ length: subscribers }, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const acked = new Promise((resolve) => ws.once('message', resolve));
      ws.send(JSON.stringify({ type: 'subscribe', channel: 'bench', id: '1' }));
      await acked;
      ws.on('message', () => {
        if (++received === expected) done();
      });
      return ws;
    }),
  );
  const started = performance.now();
  server.send({ type: 'run', messages, batch });
  await allReceived;
  const seconds = (performance.now() - started) / 1000;
  const cpu = new Promise<number>((resolve) =>
    server.on(
      'message',
      (m: { type: string; micros: number }) => m.type === 'cpu' && resolve(m.micros),
    ),
  );
  server.send({ type: 'stop' });
  const micros = await cpu;
  for (const ws of clients) ws.terminate();
  return {
    deliveriesPerSecond: Math.round(expected / seconds),
    cpuMicrosPerDelivery: micros / expected,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const results: Record<string, RoundResult & { rounds: RoundResult[] }> = {};
for (const mode of ['ws', 'herald'] as const) {
  const all: RoundResult[] = [];
  for (let i = 0; i < rounds; i++) all.push(await round(mode));
  results[mode] = {
    deliveriesPerSecond: median(all.map((r) => r.deliveriesPerSecond)),
    cpuMicrosPerDelivery: Number(median(all.map((r) => r.cpuMicrosPerDelivery)).toFixed(3)),
    rounds: all,
  };
  console.log(mode, results[mode]);
}
const herald = results.herald as RoundResult;
const bare = results.ws as RoundResult;
const report = {
  benchmark: 'fanout',
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  subscribers,
  messages,
  publicationsPerTurn: batch,
  results,
  heraldCpuPerDeliveryVsBareWs: Number(
    (herald.cpuMicrosPerDelivery / bare.cpuMicrosPerDelivery).toFixed(3),
  ),
};
await writeFile(
  new URL('./results/fanout.json', import.meta.url),
  `${JSON.stringify(report, null, 2)}\n`,
);
console.log(`Herald CPU per delivery = ${report.heraldCpuPerDeliveryVsBareWs} × bare ws loop`);
