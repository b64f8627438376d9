/**
 * `npm run soak -- --minutes N`: runs `herald serve` under a steady mixed load (connections
 * coming and going, subscriptions, publications, history and presence reads) and samples the
 * gateway's RSS, heap, event-loop delay and outbound queue from its /metrics every
 * `--sample-seconds` (30). Writes bench/results/soak.json and soak.svg (`--out <path>`, without
 * the extension, writes elsewhere), and exits 1 when a series trends upward after the warm-up or
 * a request failed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SoakLoad, type LoadShape } from './soak/load.js';
import { soakChart } from './soak/line-chart.js';
import { judge, type SoakSample } from './soak/trend.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'sample-seconds': { type: 'string', default: '30' },
    out: { type: 'string' },
  },
});
const minutes = positive('--minutes', values.minutes);
const sampleSeconds = positive('--sample-seconds', values['sample-seconds']);
const shape: LoadShape = {
  steady: 200,
  rooms: 20,
  churnPerSecond: 5,
  publishesPerSecond: 50,
  readsPerSecond: 5,
};

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`soak: ${flag} must be a positive number, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'herald-soak-'));
await writeFile(
  join(dir, 'herald.config.json'),
  JSON.stringify({
    gateway: {
      logLevel: 'info',
      channels: {
        policies: {
          'room:*': {
            presence: true,
            clientPresence: true,
            history: { size: 100 },
            clientHistory: true,
            publish: 'everyone',
          },
        },
      },
    },
  }),
);
const server = spawn(
  process.execPath,
  [join(root, 'packages/cli/dist/bin.js'), 'serve', '--config', 'herald.config.json'],
  {
    cwd: dir,
    env: { ...process.env, WS_PORT: '0', WS_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const port = await new Promise<number>((resolve, reject) => {
  server.once('exit', (code) => reject(new Error(`herald serve exited with ${code}`)));
  createInterface({ input: server.stdout! }).on('line', (line) => {
    const record = JSON.parse(line) as { msg: string; port?: number };
    if (record.msg === 'Herald listening' && record.port) resolve(record.port);
  });
});

const samples: SoakSample[] = [];
const load = new SoakLoad(`ws://127.0.0.1:${port}/ws`, shape);
await load.start();
const startedAt = Date.now();
console.log(`soak: ${minutes} min on port ${port}, a sample every ${sampleSeconds} s`);
while (Date.now() - startedAt < minutes * 60_000) {
  await new Promise((resolve) => setTimeout(resolve, sampleSeconds * 1000));
  const sample = await scrape(port, (Date.now() - startedAt) / 1000);
  samples.push(sample);
  console.log(
    `  ${sample.at.toFixed(0).padStart(5)} s  rss ${mb(sample.rssBytes)}  heap ${mb(sample.heapUsedBytes)}  ` +
      `loop p99 ${(sample.loopDelayP99 * 1000).toFixed(1)} ms  queue ${sample.queueBytes} B  ${sample.connections} conns`,
  );
}
const counts = await load.stop();
server.kill('SIGTERM');
await rm(dir, { recursive: true, force: true });

const verdicts = judge(samples);
const upward = verdicts.filter((verdict) => verdict.upward);
const result = {
  case: 'soak',
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  minutes,
  sampleSeconds,
  load: shape,
  counts,
  samples,
  verdicts,
  passed: upward.length === 0 && counts.errors.length === 0,
};
const out = values.out ?? join(root, 'bench/results/soak');
await writeFile(`${out}.json`, `${JSON.stringify(result, null, 2)}\n`);
await writeFile(
  `${out}.svg`,
  soakChart(
    `Herald soak: ${minutes} min, ${shape.steady} clients, ${shape.publishesPerSecond} publications/s`,
    samples,
  ),
);
console.log(
  `soak: ${counts.connects} connects, ${counts.published} publications, ${counts.delivered} deliveries, ` +
    `${counts.historyReads} history and ${counts.presenceReads} presence reads, ${counts.errors.length} errors`,
);
for (const verdict of verdicts) {
  console.log(
    `  ${verdict.series}: growth ${verdict.growth.toFixed(3)} over mean ${verdict.mean.toFixed(3)}${verdict.upward ? '  TRENDS UPWARD' : ''}`,
  );
}
if (counts.errors.length > 0) console.error(`soak: requests failed: ${counts.errors.join('; ')}`);
process.exit(result.passed ? 0 : 1);

async function scrape(port: number, at: number): Promise<SoakSample> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    at,
    rssBytes: sum('process_resident_memory_bytes'),
    heapUsedBytes: sum('nodejs_heap_size_used_bytes'),
    loopDelayP99: sum('nodejs_eventloop_lag_p99_seconds'),
    queueBytes: sum('herald_outbound_queue_bytes'),
    connections: sum('herald_connections_active'),
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
