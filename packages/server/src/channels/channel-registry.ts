import type {
  PresenceClient,
  ServerFrame,
  StreamPosition,
  StreamResetNotice,
} from '@herald/protocol';
import type { Broker, Publication } from '../broker/broker.js';
import { ignoreUnavailable } from '../broker/guarded-broker.js';
import { visibleChannel } from './channel-names.js';
import { againstFloor } from './stream-floor.js';
import { EncodedFrame } from '../transport/encoded-frame.js';
import { endDeliverySpan, startDeliverySpan } from '../tracing/publication-spans.js';
import type { StatsCounter } from '../connection/stats.js';

/** What the registry needs of a connection to deliver to it. */
export interface Subscriber {
  readonly id: string;
  deliver(frame: EncodedFrame): void;
}

interface ChannelEntry {
  subscribers: Set<Subscriber>;
  /** Settles once the broker delivers this channel to the node. */
  ready: Promise<void>;
  /** Channels with history: the last stream position delivered here, or known from a read. */
  position?: StreamPosition;
}

/**
 * This node's channel subscriptions. It subscribes the node on the broker while a channel has
 * local subscribers, and delivers each publication by encoding it once for all of them.
 */
export class ChannelRegistry {
  private readonly entries = new Map<string, ChannelEntry>();
  /** Subscribers whose deliveries go elsewhere while their subscription is being recovered. */
  private readonly held = new Map<string, Map<Subscriber, (frame: EncodedFrame) => void>>();
  /** Subscribers that joined a stream ahead of this node: their ack position, until passed. */
  private readonly floors = new Map<string, Map<Subscriber, StreamPosition>>();

  /**
   * `writeDelayOf` gives the `writeDelay` of a (client-visible) channel's policy, undefined when
   * its subscribers' namespaces decide.
   */
  constructor(
    private readonly broker: Broker,
    private readonly stats: StatsCounter,
    private readonly writeDelayOf: (channel: string) => number | undefined = () => undefined,
  ) {}

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
    this.dropFloor(channel, subscriber);
    if (entry.subscribers.size === 0) {
      this.entries.delete(channel);
      // Publications the broker still sends for it find no entry here and go nowhere.
      await this.broker.unsubscribe(channel).catch(ignoreUnavailable);
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
   * channel is a no-op (its release too). Released with `position` (where the subscriber joined
   * the stream), it skips what the subscriber already has should this node still be behind it.
   */
  hold(
    channel: string,
    subscriber: Subscriber,
    keep: (frame: EncodedFrame) => void,
  ): (position?: StreamPosition) => void {
    const held = this.held.get(channel) ?? new Map<Subscriber, (frame: EncodedFrame) => void>();
    this.held.set(channel, held);
    if (held.has(subscriber)) return () => undefined;
    held.set(subscriber, keep);
    return (position) => {
      held.delete(subscriber);
      if (held.size === 0) this.held.delete(channel);
      if (position) this.setFloor(channel, subscriber, position);
    };
  }

  /** Skips `subscriber`'s deliveries up to `position` while this node has yet to pass it. */
  private setFloor(channel: string, subscriber: Subscriber, position: StreamPosition): void {
    const entry = this.entries.get(channel);
    if (!entry?.subscribers.has(subscriber)) return;
    entry.position ??= position;
    if (!isBehind(entry.position, position)) return;
    let floors = this.floors.get(channel);
    if (!floors) {
      floors = new Map();
      this.floors.set(channel, floors);
    }
    floors.set(subscriber, position);
  }

  /** The last stream position this node delivered on `channel` (channels with history). */
  position(channel: string): StreamPosition | undefined {
    return this.entries.get(channel)?.position;
  }

  deliver(publication: Publication): void {
    const entry = this.entries.get(publication.channel);
    if (!entry) return;
    const { offset, epoch } = publication.meta;
    if (offset !== undefined && epoch !== undefined) entry.position = { offset, epoch };
    const span = startDeliverySpan(publication);
    const frame = toFrame(publication);
    const encoded = new EncodedFrame(frame);
    if (frame.type === 'event' && frame.channel !== undefined) {
      encoded.writeDelay = this.writeDelayOf(frame.channel);
    }
    const recipients = this.send(publication.channel, entry, encoded, publication.except);
    endDeliverySpan(span, publication, recipients);
    this.stats.publications += 1;
    this.stats.timings?.published(publication.meta.ts);
  }

  /** Tells the channel's subscribers its stream continues from `position` (StreamResetNotice). */
  resetStream(
    channel: string,
    position: StreamPosition,
    reason: StreamResetNotice['reason'],
  ): void {
    const entry = this.entries.get(channel);
    if (!entry) return;
    entry.position = position;
    const visible = visibleChannel(channel);
    if (visible === undefined) return;
    const notice: StreamResetNotice = { channel: visible, ...position, reason };
    this.send(
      channel,
      entry,
      new EncodedFrame({ type: 'system', event: 'reset', payload: notice }),
    );
  }

  /** Hands `encoded` to the channel's subscribers; returns how many it reached (or holds for). */
  private send(
    channel: string,
    entry: ChannelEntry,
    encoded: EncodedFrame,
    except?: string,
  ): number {
    const held = this.held.size > 0 ? this.held.get(channel) : undefined;
    const floored = this.floors.size > 0 && this.floors.has(channel);
    let reached = 0;
    for (const subscriber of entry.subscribers) {
      if (subscriber.id === except) continue;
      const keep = held?.get(subscriber);
      if (keep) keep(encoded);
      else if (floored && !this.admits(channel, subscriber, encoded)) continue;
      else subscriber.deliver(encoded);
      reached++;
    }
    return reached;
  }

  /** Whether `frame` goes to a subscriber with a floor; drops the floor once the stream passes it. */
  private admits(channel: string, subscriber: Subscriber, frame: EncodedFrame): boolean {
    const floor = this.floors.get(channel)?.get(subscriber);
    if (!floor) return true;
    const verdict = againstFloor(floor, frame);
    if (verdict === 'pass') this.dropFloor(channel, subscriber);
    return verdict !== 'skip';
  }

  private dropFloor(channel: string, subscriber: Subscriber): void {
    const floors = this.floors.get(channel);
    floors?.delete(subscriber);
    if (floors?.size === 0) this.floors.delete(channel);
  }
}

/** Whether `node` is before `position` in the stream (an older epoch counts as before). */
function isBehind(node: StreamPosition, position: StreamPosition): boolean {
  return node.epoch !== position.epoch || node.offset < position.offset;
}

/** Clients see their own channel names: never a tenant scope, nor the gateway's `$` channels. */
function toFrame(publication: Publication): ServerFrame {
  const { event, payload, kind } = publication;
  const channel = visibleChannel(publication.channel);
  if (channel === undefined) return { type: 'event', event, payload };
  if (kind) return { type: kind, channel, client: payload as PresenceClient };
  return { type: 'event', channel, event, payload, meta: publication.meta };
}
