import type { ChannelPublication, HistoryResult, StreamPosition } from '@herald/protocol';
import type { Broker, Publication } from '../broker/broker.js';

export interface HistoryOptions {
  /** Forward: publications after this position; with `reverse`: before it. */
  since?: StreamPosition;
  limit?: number;
  /** Newest first. */
  reverse?: boolean;
}

/** The form a publication takes inside an ack: its channel is the request's. */
export function toChannelPublication(publication: Publication): ChannelPublication {
  return { event: publication.event, payload: publication.payload, meta: publication.meta };
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
