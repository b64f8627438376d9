/**
 * `npm run chaos`: the chaos run (test/chaos/chaos.ts) on Redis and on NATS, each bounded by its
 * rounds and timings, written to bench/results/chaos.json; exits 1 when a check failed.
 *
 *     npm run chaos -- [--rounds 2] [--fault-ms 3000] [--settle-ms 4000] [--subscribers 30]
 *                      [--publish-every 20] [--broker redis|nats]
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runChaos, type ChaosOptions, type ChaosResult } from './chaos.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    'fault-ms': { type: 'string', default: '3000' },
    'settle-ms': { type: 'string', default: '4000' },
    subscribers: { type: 'string', default: '30' },
    'publish-every': { type: 'string', default: '20' },
    broker: { type: 'string', multiple: true, default: ['redis', 'nats'] },
  },
});

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`chaos: --${flag} must be a positive whole number, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const brokers = values.broker.map((broker) => {
  if (broker !== 'redis' && broker !== 'nats') {
    console.error(`chaos: --broker must be redis or nats, got "${broker}"`);
    process.exit(2);
  }
  return broker;
});
const results: ChaosResult[] = [];
for (const broker of brokers) {
  const options: ChaosOptions = {
    broker,
    rounds: positive('rounds', values.rounds),
    faultMs: positive('fault-ms', values['fault-ms']),
    settleMs: positive('settle-ms', values['settle-ms']),
    subscribers: positive('subscribers', values.subscribers),
    publishEvery: positive('publish-every', values['publish-every']),
  };
  console.log(`chaos on ${broker}: ${options.rounds} rounds of 5 faults`);
  const result = await runChaos(options);
  results.push(result);
  console.log(
    `  ${result.ok ? 'ok' : 'FAILED'}: ${result.acked}/${result.published} acked, ${result.ackedAndLost} acked and lost, ` +
      `${result.duplicates} duplicates, ${result.gapsReported} gaps reported, presence ${result.presence.seen.join('/')} of ${result.presence.expected}, ` +
      `left behind: ${JSON.stringify(result.leaks)} (${(result.durationMs / 1000).toFixed(0)} s)`,
  );
}
const file = fileURLToPath(new URL('../../bench/results/chaos.json', import.meta.url));
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`chaos: results in bench/results/chaos.json`);
process.exit(results.every((result) => result.ok) ? 0 : 1);
