/**
 * One gateway node of bench/hundred-thousand.ts: a Herald gateway on an ephemeral port of
 * 127.0.0.1, in the cluster formed by the broker named by its arguments. Publishes and reports
 * its memory on command over IPC.
 *
 *   node --import tsx node.ts <nats|redis|memory> <prefix> <pingInterval ms>
 */
import { createBroker } from '@herald/cli';
import { createGateway } from '@herald/server';
import { memoryNow } from './memory.js';
import type { NodeCommand, NodeReport } from './messages.js';

const [kind = 'nats', prefix = 'herald-bench', pingInterval = '10000'] = process.argv.slice(2);
const broker = await createBroker({
  type: kind === 'redis' || kind === 'nats' ? kind : 'memory',
  prefix,
});
const gateway = createGateway({ logLevel: 'warn', ...(broker && { broker }) });
gateway.namespace('/bench', { pingInterval: Number(pingInterval) });
const { port } = await gateway.listen(0, '127.0.0.1');

const send = (report: NodeReport) => process.send?.(report);

/**
 * Publishes `count` publications at `rate` per second, each on its own schedule from the start
 * (a slow turn does not push the later ones back). `lateMs` is the worst delay behind schedule.
 */
async function publishAtRate(command: Extract<NodeCommand, { type: 'publish' }>): Promise<void> {
  const started = Date.now();
  let failed = 0;
  let lateMs = 0;
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < command.count; i++) {
    const due = started + (i * 1000) / command.rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sentAt = Date.now();
    lateMs = Math.max(lateMs, sentAt - due);
    const payload = { seq: command.from + i, sentAt };
    pending.push(gateway.publish(command.channel, 'tick', payload).catch(() => (failed += 1)));
  }
  await Promise.all(pending);
  send({ type: 'published', failed, lateMs });
}

process.on('message', (command: NodeCommand) => {
  if (command.type === 'memory') send({ type: 'memory', ...memoryNow() });
  else void publishAtRate(command);
});
// Orphaned by a crashed parent: go too.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', port });
