import type { StreamPosition, SubscribeResult } from '@herald/protocol';
import type { Broker, Publication } from '../broker/broker.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { SocketConnection } from '../connection/socket-connection.js';
import { EncodedFrame } from '../transport/encoded-frame.js';
import { readBounded } from './bounded-read.js';
import type { ResolvedChannel } from './channel-policy.js';
import type { EffectivePolicy } from './policy-schema.js';
import { HeldPublications } from './held-publications.js';
import { againstFloor, type FloorVerdict } from './stream-floor.js';
import { ackBudget, sizeInAck, toChannelPublication } from './history.js';

/** Where a new subscriber stands, and the missed publications too large for its ack. */
interface Recovery {
  /** The ack: its offset is where the client stands once it has the ack's publications. */
  result: SubscribeResult;
  /** Sent as publication frames right after the ack, before any live publication. */
  following: Publication[];
  /** The stream's top when read: live publications past it follow the recovery. */
  top: StreamPosition;
}

/**
 * Where a new subscriber stands in the stream: the stream's top, and with `since` the missed
 * publications. Recovered means the gap is filled exactly: same epoch, history still holds the
 * publication right after `since`, and the gap is within the policy's recovery maximum (count
 * and bytes). A gap past the maximum is not read at all when its count already says so.
 */
async function recover(
  broker: Broker,
  internal: string,
  policy: EffectivePolicy,
  since: StreamPosition | undefined,
  connection: SocketConnection,
): Promise<Recovery> {
  const { offset, epoch } = await broker.history(internal, { limit: 0 });
  const answer = (result: SubscribeResult, following: Publication[] = []): Recovery => ({
    result,
    following,
    top: { offset, epoch },
  });
  if (!since) return answer({ offset, epoch });
  if (!policy.recovery) return answer({ recovered: false, offset, epoch });
  const lost = answer({ recovered: false, offset, epoch, publications: [] });
  const gap = offset - since.offset;
  if (epoch !== since.epoch || gap < 0 || gap > policy.recoveryMaxPublications) return lost;
  if (gap === 0) return answer({ recovered: true, offset, epoch, publications: [] });
  const maxBytes = policy.recoveryMaxBytes;
  const read = await readBounded(
    broker,
    internal,
    { since: since.offset },
    { count: gap, bytes: maxBytes, sizeOf: sizeInAck(connection.codec) },
  );
  const complete =
    read.epoch === epoch &&
    read.publications.length === gap &&
    read.publications[0]?.meta.offset === since.offset + 1 &&
    read.bytes <= maxBytes;
  if (!complete) return lost;
  if (read.bytes <= ackBudget(connection)) {
    const publications = read.publications.map(toChannelPublication);
    return answer({ recovered: true, offset, epoch, publications });
  }
  // Too large for one answer: the ack leaves the client at `since`, and the frames take it on.
  return answer(
    { recovered: true, offset: since.offset, epoch, publications: [] },
    read.publications,
  );
}

/** Joins the channel and reads where the subscriber stands; leaves again if that fails. */
async function joinAndRecover(
  broker: Broker,
  connection: SocketConnection,
  channel: ResolvedChannel,
  since: StreamPosition | undefined,
  info: unknown,
): Promise<Recovery> {
  try {
    await connection.join(channel.name, info);
    const internal = connection.internalChannel(channel.name);
    return await recover(broker, internal, channel.policy, since, connection);
  } catch (error) {
    await connection.leave(channel.name);
    throw error;
  }
}

/**
 * Subscribes to a channel with history and answers with its position and recovered
 * publications: in the ack when they fit in one answer, otherwise as publication frames right
 * after it. Live publications that arrive meanwhile are held back and follow, skipping those at
 * or below the stream's top as read: nothing is lost or sent twice. Everything after the ack is
 * queued as the connection's queue has room (at the pace the client reads) until nothing is
 * held any more; only then do live publications flow straight to the connection again.
 */
export async function joinStream(
  registry: ChannelRegistry,
  broker: Broker,
  connection: SocketConnection,
  channel: ResolvedChannel,
  since: StreamPosition | undefined,
  info: unknown,
  reply: (result: SubscribeResult) => Promise<void>,
): Promise<void> {
  const held = new HeldPublications(connection);
  const release = registry.hold(connection.internalChannel(channel.name), connection, held.keep);
  let joinedAt: StreamPosition | undefined;
  try {
    const recovery = await joinAndRecover(broker, connection, channel, since, info);
    await reply(recovery.result);
    for (const { event, payload, meta } of recovery.following) {
      const frame = { type: 'event' as const, channel: channel.name, event, payload, meta };
      if (!(await connection.out.whenRoom(new EncodedFrame(frame)))) return;
    }
    joinedAt = recovery.top;
    // Held frames the read already covered are skipped, until one passes the top.
    let caughtUp = false;
    for (let frame = held.take(); frame; frame = held.take()) {
      const verdict: FloorVerdict = caughtUp ? 'pass' : againstFloor(recovery.top, frame);
      caughtUp ||= verdict === 'pass';
      if (verdict !== 'skip' && !(await connection.out.whenRoom(frame))) return;
    }
  } finally {
    release(joinedAt);
  }
}
