import type { PresenceClient, ServerFrame } from '@herald/protocol';
import type { Broker, Publication } from './broker/broker.js';
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

export class ChannelRegistry {
  private readonly entries = new Map<string, ChannelEntry>();
  /** Subscribers whose deliveries go elsewhere while their subscription is being recovered. */
  private readonly held = new Map<string, Map<Subscriber, (frame: EncodedFrame) => void>>();

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

  /**
   * From now on, hands `subscriber`'s deliveries on `channel` to `keep` instead, until the
   * returned function is called. While one hold lasts, another for the same subscriber and
   * channel is a no-op (its release too).
   */
  hold(channel: string, subscriber: Subscriber, keep: (frame: EncodedFrame) => void): () => void {
    const held = this.held.get(channel) ?? new Map<Subscriber, (frame: EncodedFrame) => void>();
    this.held.set(channel, held);
    if (held.has(subscriber)) return () => undefined;
    held.set(subscriber, keep);
    return () => {
      held.delete(subscriber);
      if (held.size === 0) this.held.delete(channel);
    };
  }

  deliver(publication: Publication): void {
    const entry = this.entries.get(publication.channel);
    if (!entry) return;
    const encoded = new EncodedFrame(toFrame(publication));
    const except = publication.except;
    const held = this.held.size > 0 ? this.held.get(publication.channel) : undefined;
    for (const subscriber of entry.subscribers) {
      if (subscriber.id === except) continue;
      const keep = held?.get(subscriber);
      if (keep) keep(encoded);
      else subscriber.deliver(encoded);
    }
  }
}

/** Clients see their own channel names: never a tenant scope, nor the gateway's `$` channels. */
function toFrame(publication: Publication): ServerFrame {
  const { event, payload, kind } = publication;
  const channel = visibleChannel(publication.channel);
  if (channel === undefined) return { type: 'event', event, payload };
  if (kind) return { type: kind, channel, client: payload as PresenceClient };
  return { type: 'event', channel, event, payload, meta: publication.meta };
}
