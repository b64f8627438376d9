import type { StreamPosition, SubscribeResult } from '@herald/protocol';
import type { Broker } from '../broker/broker.js';
import type { ChannelRegistry } from '../channel-registry.js';
import type { Connection } from '../connection.js';
import type { ResolvedChannel } from './channel-policy.js';
import { toChannelPublication } from './history.js';

/**
 * Where a new subscriber stands in the stream: the stream's top, and with `since` the missed
 * publications. Recovered means the gap is filled exactly: same epoch, and history still holds
 * the publication right after `since`.
 */
async function streamPosition(
  broker: Broker,
  internal: string,
  recovery: boolean,
  since: StreamPosition | undefined,
): Promise<SubscribeResult & StreamPosition> {
  if (!since || !recovery) {
    const { offset, epoch } = await broker.history(internal, { limit: 0 });
    return since ? { recovered: false, offset, epoch } : { offset, epoch };
  }
  const page = await broker.history(internal, { since: since.offset });
  const first = page.publications[0]?.meta.offset;
  const recovered =
    page.epoch === since.epoch &&
    since.offset <= page.offset &&
    (since.offset === page.offset || first === since.offset + 1);
  return {
    recovered,
    offset: page.offset,
    epoch: page.epoch,
    publications: recovered ? page.publications.map(toChannelPublication) : [],
  };
}

/**
 * Subscribes to a channel with history and answers with its position (and recovered
 * publications). Live publications that arrive meanwhile are held back and released after the
 * answer, skipping those the answer covers: nothing is lost or sent twice.
 */
export async function joinStream(
  registry: ChannelRegistry,
  broker: Broker,
  connection: Connection,
  channel: ResolvedChannel,
  since: StreamPosition | undefined,
  info: unknown,
  reply: (result: SubscribeResult) => void,
): Promise<void> {
  const internal = connection.internalChannel(channel.name);
  registry.hold(internal, connection);
  let result: SubscribeResult & StreamPosition;
  try {
    await connection.join(channel.name, info);
    result = await streamPosition(broker, internal, channel.policy.recovery, since);
  } catch (error) {
    registry.release(internal, connection);
    await connection.leave(channel.name);
    throw error;
  }
  reply(result);
  const { offset, epoch } = result;
  for (const frame of registry.release(internal, connection, { offset, epoch })) {
    connection.deliver(frame);
  }
}
