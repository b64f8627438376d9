/**
 * The gateway side of the emitter example (docs/emitter.md): a gateway on Redis or NATS with a
 * `news` channel that keeps history, and one client, user `ada`, that prints what reaches it and
 * exits once it got a publication and an event. Run: `npm run build && node --import tsx
 * examples/emitter-gateway.ts` (`BROKER_URL`: `redis://…` (default redis://127.0.0.1:6379) or
 * `nats://…`; `PORT`, default 0: a free one).
 */
import { HeraldClient } from '@herald/client';
import { NatsBroker } from '@herald/nats';
import { RedisBroker } from '@herald/redis';
import { createGateway } from '@herald/server';

const url = process.env.BROKER_URL ?? 'redis://127.0.0.1:6379';
const broker = url.startsWith('nats') ? new NatsBroker({ servers: url }) : new RedisBroker({ url });

const gateway = createGateway({
  broker,
  logLevel: 'warn',
  // For the example only: the token is the user id. Use JWTs in an application (docs/auth.md).
  auth: { authenticate: (token) => ({ userId: token }) },
});
gateway.namespace('/app');
gateway.channel('news', { history: { size: 100, ttl: 24 * 60 * 60 * 1000 } });
const { port } = await gateway.listen(Number(process.env.PORT ?? 0), '127.0.0.1');

const ada = new HeraldClient(`ws://127.0.0.1:${port}/app`, { token: 'ada' });
let received = 0;
const done = async () => {
  if ((received += 1) < 2) return;
  ada.close();
  await gateway.close();
};
const news = ada.subscribe('news', {
  publication: ({ payload, meta }) => {
    console.log(`news #${meta.offset}:`, payload);
    void done();
  },
});
ada.on('notice', (payload) => {
  console.log('notice:', payload);
  void done();
});
await news.ready;
console.log(`ada is connected on port ${port}; waiting for the emitter`);
