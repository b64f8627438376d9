/**
 * One gateway process of the cluster test: a Herald gateway on the broker named by WS_BROKER
 * (redis or nats), driven by its parent over IPC. Run with `node --import tsx`.
 */
import { createBroker } from '@herald/cli';
import { createGateway, type Broker } from '@herald/server';

export type NodeCommand =
  | { id: number; type: 'publish'; channel: string; event: string; payload: unknown }
  | { id: number; type: 'presence'; channel: string }
  | { id: number; type: 'online' }
  | { id: number; type: 'disconnect'; user: string }
  | { id: number; type: 'channels' };

const gateway = createGateway({
  logLevel: 'silent',
  broker: (await createBroker({
    type: process.env.WS_BROKER === 'nats' ? 'nats' : 'redis',
    prefix: process.env.CLUSTER_PREFIX ?? 'cluster',
  })) as Broker,
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
});
gateway.namespace('/ws');
const { port } = await gateway.listen(0, '127.0.0.1');

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
    }
  };
  run().then(
    (result) => process.send?.({ id: command.id, result }),
    (error: Error) => process.send?.({ id: command.id, error: error.message }),
  );
});
process.send?.({ ready: true, port });
