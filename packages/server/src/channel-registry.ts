import type { ServerFrame } from '@herald/protocol';
import type { Broker, BrokerSink, Publication } from './broker/broker.js';
import { visibleChannel } from './channel-names.js';
import { EncodedFrame } from './encoded-frame.js';

/** What the registry needs of a connection to deliver to it. */
export interface Subscriber {
  readonly id: string;
  deliver(frame: EncodedFrame): void;
}

/**
 * This node's channel subscriptions. It subscribes the node on the broker while a channel has
 * local subscribers, and delivers each publication by encoding it once for all of them.
 */
interface ChannelEntry {
  subscribers: Set<Subscriber>;
  /** Settles once the broker delivers this channel to the node. */
  ready: Promise<void>;
}

export class ChannelRegistry implements BrokerSink {
  private readonly entries = new Map<string, ChannelEntry>();

  constructor(private readonly broker: Broker) {}

  /** Adds a subscriber; resolves once the node receives the channel's publications. */
  async add(channel: string, subscriber: Subscriber): Promise<void> {
    let entry = this.entries.get(channel);
    if (!entry) {
      entry = { subscribers: new Set(), ready: this.broker.subscribe(channel) };
      this.entries.set(channel, entry);
    }
    entry.subscribers.add(subscriber);
    await entry.ready;
  }

  async remove(channel: string, subscriber: Subscriber): Promise<void> {
    const entry = this.entries.get(channel);
    if (!entry || !entry.subscribers.delete(subscriber)) return;
    if (entry.subscribers.size === 0) {
      this.entries.delete(channel);
      await this.broker.unsubscribe(channel);
    }
  }

  subscriberCount(channel: string): number {
    return this.entries.get(channel)?.subscribers.size ?? 0;
  }

  /** Channel names with at least one local subscriber. */
  channels(): IterableIterator<string> {
    return this.entries.keys();
  }

  deliver(publication: Publication): void {
    const entry = this.entries.get(publication.channel);
    if (!entry) return;
    // Clients see their own channel names: never a tenant scope, nor the gateway's `$` channels.
    const channel = visibleChannel(publication.channel);
    const frame: ServerFrame =
      channel === undefined
        ? { type: 'event', event: publication.event, payload: publication.payload }
        : { type: 'event', channel, event: publication.event, payload: publication.payload, meta: publication.meta };
    const encoded = new EncodedFrame(frame);
    const except = publication.except;
    for (const subscriber of entry.subscribers) {
      if (subscriber.id !== except) subscriber.deliver(encoded);
    }
  }
}
