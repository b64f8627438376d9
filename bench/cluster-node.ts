/**
 * One gateway of the cluster benchmark, on the broker named by its first argument
 * (memory, redis or nats). Publishes on command over IPC. Run by bench/cluster.ts.
 */
import { createBroker } from '@herald/cli';
import { createGateway } from '@herald/server';

type Command = { type: 'run'; messages: number; batch: number; intervalMs: number };

const kind = process.argv[2] ?? 'memory';
const selected = await createBroker({
  type: kind === 'redis' || kind === 'nats' ? kind : 'memory',
  prefix: `bench-${process.env.BENCH_RUN ?? 'x'}`,
});
const gateway = createGateway({ logLevel: 'warn', ...(selected && { broker: selected }) });
gateway.namespace('/bench', {
  backpressure: { maxQueueBytes: 64 * 1024 * 1024, maxQueueMessages: 1_000_000 },
});
const { port } = await gateway.listen(0, '127.0.0.1');
const text = 'x'.repeat(100);
const now = () => performance.timeOrigin + performance.now();

process.on('message', (command: Command) => {
  let seq = 0;
  const tick = () => {
    for (let i = 0; i < command.batch && seq < command.messages; i++) {
      void gateway.publish('bench', 'tick', { seq: seq++, sentAt: now(), text });
    }
    if (seq < command.messages) setTimeout(tick, command.intervalMs);
  };
  tick();
});
process.send?.({ port });
