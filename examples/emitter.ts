/**
 * The emitter side of the example (docs/emitter.md): a process that is not a gateway publishes to
 * a channel, with history, and sends an event to one user, through the gateways' broker. Run
 * beside examples/emitter-gateway.ts: `node --import tsx examples/emitter.ts` (`BROKER_URL`
 * as there).
 */
import { createEmitter } from '@herald/emitter';

const emitter = createEmitter(process.env.BROKER_URL ?? 'redis://127.0.0.1:6379');

const position = await emitter.publish(
  'news',
  'headline',
  { title: 'Published from a worker' },
  { history: { size: 100, ttl: 24 * 60 * 60 * 1000 } },
);
console.log('kept in history at', position);

await emitter.to({ user: 'ada' }).emit('notice', { text: 'your report is ready' });
await emitter.close();
