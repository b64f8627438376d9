/**
 * Fan-out benchmark: one publisher, 1,000 subscribers, Herald against a bare `ws` loop and
 * Socket.IO (WebSocket transport, a room).
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
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { subscribe } from './subscribe.js';

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

type Mode = 'ws' | 'socketio' | 'herald';

/** A subscribed client of `mode`'s server that counts what it receives; `close` drops it. */
async function subscriber(mode: Mode, port: number, onMessage: () => void): Promise<() => void> {
  if (mode === 'socketio') {
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    await socket.emitWithAck('subscribe', 'bench');
    socket.on('tick', onMessage);
    return () => socket.disconnect();
  }
  const path = mode === 'herald' ? '/bench' : '/';
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  await subscribe(ws, 'bench');
  ws.on('message', onMessage);
  return () => ws.terminate();
}

async function round(mode: Mode): Promise<RoundResult> {
  const server = fork(fileURLToPath(new URL('./fanout-server.ts', import.meta.url)), [mode], {
    execArgv: ['--import', 'tsx'],
  });
  const port = await new Promise<number>((resolve) =>
    server.once('message', (m: { port: number }) => resolve(m.port)),
  );
  let received = 0;
  const expected = subscribers * messages;
  let done!: () => void;
  const allReceived = new Promise<void>((resolve) => (done = resolve));
  const clients = await Promise.all(
    Array.from({ length: subscribers }, () =>
      subscriber(mode, port, () => {
        if (++received === expected) done();
      }),
    ),
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
  for (const close of clients) close();
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
for (const mode of ['ws', 'socketio', 'herald'] as const) {
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
const socketIo = results.socketio as RoundResult;
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
  heraldCpuPerDeliveryVsSocketIo: Number(
    (herald.cpuMicrosPerDelivery / socketIo.cpuMicrosPerDelivery).toFixed(3),
  ),
};
await writeFile(
  new URL('./results/fanout.json', import.meta.url),
  `${JSON.stringify(report, null, 2)}\n`,
);
console.log(
  `Herald CPU per delivery = ${report.heraldCpuPerDeliveryVsBareWs} × bare ws loop, ${report.heraldCpuPerDeliveryVsSocketIo} × Socket.IO`,
);
