import {
  FieldLimits,
  type ChannelPublication,
  type Codec,
  type HistoryResult,
  type StreamPosition,
} from '@herald/protocol';
import type { Broker, Publication } from '../broker/broker.js';
import type { SocketConnection } from '../connection/socket-connection.js';
import { readBounded } from './bounded-read.js';

export interface HistoryOptions {
  /** Forward: publications after this position; with `reverse`: before it. */
  since?: StreamPosition;
  limit?: number;
  /** Newest first. */
  reverse?: boolean;
}

/** Room kept in an answer's budget for what surrounds its publications (ack, id, position). */
const envelopeBytes = 512;

/** The form a publication takes inside an ack: its channel is the request's. */
export function toChannelPublication(publication: Publication): ChannelPublication {
  return { event: publication.event, payload: publication.payload, meta: publication.meta };
}

/** What a publication adds to an ack in `codec`: its encoding and a separator. */
export function sizeInAck(codec: Codec): (publication: Publication) => number {
  return (publication) => {
    const data = codec.encode(toChannelPublication(publication));
    return (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength) + 1;
  };
}

/** The bytes of publications one ack to `connection` may carry. */
export function ackBudget(connection: SocketConnection): number {
  return connection.answerBudget - envelopeBytes;
}

/**
 * Reads a channel's history. A `since` from another epoch means nothing in the current stream,
 * so the read starts over from the whole retained stream; callers see the new epoch.
 */
export async function readHistory(
  broker: Broker,
  channel: string,
  options: HistoryOptions,
): Promise<HistoryResult> {
  const { since, limit, reverse } = options;
  const query = {
    ...(limit !== undefined && { limit }),
    ...(reverse !== undefined && { reverse }),
  };
  let page = await broker.history(channel, since ? { ...query, since: since.offset } : query);
  if (since && page.epoch !== since.epoch) page = await broker.history(channel, query);
  return {
    publications: page.publications.map(toChannelPublication),
    offset: page.offset,
    epoch: page.epoch,
  };
}

/**
 * One page of history for a client: at most `limit` publications (FieldLimits.historyLimit when
 * absent) within the connection's answer budget (at least one publication). `next` is set when
 * more follow in the direction read; it is the `since` of the next page.
 */
export async function readHistoryPage(
  broker: Broker,
  channel: string,
  options: HistoryOptions,
  connection: SocketConnection,
): Promise<HistoryResult> {
  const { since, limit = FieldLimits.historyLimit, reverse } = options;
  const bounds = {
    count: limit,
    bytes: ackBudget(connection),
    sizeOf: sizeInAck(connection.codec),
  };
  let read = await readBounded(broker, channel, { since: since?.offset, reverse }, bounds);
  if (since && read.epoch !== since.epoch)
    read = await readBounded(broker, channel, { reverse }, bounds);
  const result: HistoryResult = {
    publications: read.publications.map(toChannelPublication),
    offset: read.offset,
    epoch: read.epoch,
  };
  const last = read.publications[read.publications.length - 1]?.meta.offset;
  if (read.more && last !== undefined) result.next = { offset: last, epoch: read.epoch };
  return result;
}
