import type { PublicationMeta } from '@herald/protocol';

/** A message on its way to a channel's subscribers, on every node. */
export interface Publication {
  channel: string;
  event: string;
  payload: unknown;
  /** A connection id that must not receive it (usually the sender). */
  except?: string;
  /** Stamped by the broker: timestamp, and offset/epoch for channels with history. */
  meta: PublicationMeta;
}

export type PublicationInput = Omit<Publication, 'meta'>;

/** Where a broker hands the publications for channels this node subscribed to. */
export interface BrokerSink {
  deliver(publication: Publication): void;
}

/**
 * Moves publications between nodes. The gateway subscribes a node to a channel only while it
 * has local subscribers, and unsubscribes when the last one leaves. This interface is the only
 * part of Herald that knows other nodes exist.
 */
export interface Broker {
  /** Connects the broker to this node's delivery path. Called once, before anything else. */
  start(sink: BrokerSink): Promise<void>;
  /** Sends a publication to every node subscribed to its channel, this one included. */
  publish(publication: PublicationInput): Promise<void>;
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  close(): Promise<void>;
}
