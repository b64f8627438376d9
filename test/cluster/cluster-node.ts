/**
 * One gateway process of the cluster test: a Herald gateway on the broker named by WS_BROKER
 * (redis or nats), driven by its parent over IPC. Run with `node --import tsx`.
 * BROKER_URL and NODE_TTL point it at a private broker and shorten its heartbeat lease; PORT
 * makes it listen where a node before it did; GATEWAY_OPTIONS (JSON) adds gateway options
 * (limits, rate limits, tenancy).
 */
import { NatsBroker } from '@herald/nats';
import { RedisBroker } from '@herald/redis';
import { createGateway, type Broker, type GatewayOptions } from '@herald/server';

export type NodeCommand =
  | { id: number; type: 'publish'; channel: string; event: string; payload: unknown }
  | { id: number; type: 'presence'; channel: string }
  | { id: number; type: 'online' }
  | { id: number; type: 'disconnect'; user: string }
  | { id: number; type: 'channels' }
  | { id: number; type: 'timers' };

const prefix = process.env.CLUSTER_PREFIX ?? 'cluster';
const url = process.env.BROKER_URL;
const nodeTtl = process.env.NODE_TTL === undefined ? undefined : Number(process.env.NODE_TTL);
const broker: Broker =
  process.env.WS_BROKER === 'nats'
    ? new NatsBroker({ servers: url, prefix, nodeTtl })
    : new RedisBroker({ url, prefix, nodeTtl });
const extra = JSON.parse(process.env.GATEWAY_OPTIONS ?? '{}') as Partial<GatewayOptions>;

const gateway = createGateway({
  logLevel: 'silent',
  broker,
  auth: { jwt: { secret: process.env.JWT_SECRET_KEY as string } },
  channels: {
    policies: {
      'room:*': {
        subscribe: 'authenticated',
        publish: 'authenticated',
        presence: true,
        history: { size: 10_000 },
      },
    },
    presenceTtl: Number(process.env.PRESENCE_TTL ?? 60_000),
  },
  drainTimeout: 500,
  ...extra,
});
gateway.namespace('/ws');
const { port } = await gateway.listen(Number(process.env.PORT ?? 0), '127.0.0.1');

process.on('message', (command: NodeCommand) => {
  const run = async (): Promise<unknown> => {
    switch (command.type) {
      case 'publish':
        return gateway.publish(command.channel, command.event, command.payload);
      case 'presence':
        return gateway.presence(command.channel);
      case 'online':
        return gateway.online();
      case 'disconnect':
        return gateway.disconnect({ user: command.user }, 4011, 'kicked');
      case 'channels':
        return gateway.channels();
      case 'timers':
        // Timers and intervals alive in this process, to find any a connection left behind.
        return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    }
  };
  run().then(
    (result) => process.send?.({ id: command.id, result }),
    (error: Error) => process.send?.({ id: command.id, error: error.message }),
  );
});
// SIGTERM is a graceful shutdown, as `herald serve` does it: clients are told to go elsewhere.
process.once('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
process.send?.({ ready: true, port });
