import { setTimeout as delay } from 'node:timers/promises';
import type { StreamPosition } from '@herald/protocol';
import type { Logger } from 'pino';
import type { Broker, HistoryPage, HistoryQuery, Publication } from '../broker/broker.js';
import type { ChannelRegistry } from './channel-registry.js';

/**
 * How long catching up keeps retrying history reads, in ms: right after an outage the broker
 * may deliver again before it can read (Redis reconnects each of its connections on its own).
 */
const patience = 10_000;

/**
 * Keeps each channel's stream whole on this node, between the broker and the registry. A
 * broker's fan-out can miss publications (a node still resubscribing after its broker came
 * back), and a stream can restart with a new epoch (its history was lost). When a delivered
 * publication does not follow the last one, or the broker says it resubscribed, the channel's
 * live deliveries wait while what was missed is read from history and delivered first. A new
 * epoch, and a gap history cannot fill, are announced to the channel's subscribers with a
 * `system` `reset` frame (StreamResetNotice) before the publications that follow it.
 */
export class StreamContinuity {
  /** Channels being caught up, with the publications delivered meanwhile. */
  private readonly catchingUp = new Map<string, Publication[]>();
  private closed = false;

  constructor(
    private readonly broker: Broker,
    private readonly registry: ChannelRegistry,
    private readonly logger: Logger,
  ) {}

  deliver(publication: Publication): void {
    const waiting = this.catchingUp.get(publication.channel);
    if (waiting) {
      waiting.push(publication);
      return;
    }
    const place = this.place(publication);
    if (place === 'next') this.registry.deliver(publication);
    else if (place === 'ahead') void this.catchUp(publication.channel, [publication]);
  }

  /** The broker resubscribed after an outage: every stream this node follows is read again. */
  resubscribed(): void {
    for (const channel of this.registry.channels()) {
      if (this.registry.position(channel) && !this.catchingUp.has(channel)) {
        void this.catchUp(channel, []);
      }
    }
  }

  close(): void {
    this.closed = true;
  }

  private async catchUp(channel: string, waiting: Publication[]): Promise<void> {
    this.catchingUp.set(channel, waiting);
    try {
      await this.fill(channel);
    } catch (error) {
      if (!this.closed) this.logger.warn({ err: error, channel }, 'missed publications unread');
    }
    this.catchingUp.delete(channel);
    // What history did not supply is announced as missed, not waited for again.
    for (const publication of waiting) {
      const place = this.place(publication);
      if (place === 'seen') continue;
      if (place === 'ahead') {
        const { offset, epoch } = publication.meta as StreamPosition;
        const reason = this.registry.position(channel)?.epoch === epoch ? 'gap' : 'epoch';
        this.registry.resetStream(channel, { offset: offset - 1, epoch }, reason);
      }
      this.registry.deliver(publication);
    }
  }

  /** Where a publication stands against the node's position in its channel's stream. */
  private place(publication: Publication): 'next' | 'seen' | 'ahead' {
    const { offset, epoch } = publication.meta;
    if (offset === undefined || epoch === undefined) return 'next';
    const known = this.registry.position(publication.channel);
    if (!known || (epoch === known.epoch && offset === known.offset + 1)) return 'next';
    // Seen: delivered already, read back from history while the broker still had it on its way.
    return epoch === known.epoch && offset <= known.offset ? 'seen' : 'ahead';
  }

  /** Delivers what history holds after the node's position, or announces the stream's new epoch. */
  private async fill(channel: string): Promise<void> {
    const known = this.registry.position(channel);
    if (!known) return;
    const page = await this.read(channel, { since: known.offset });
    if (page.epoch === known.epoch) {
      this.deliverFrom(channel, known, page, 'gap');
      return;
    }
    this.deliverFrom(channel, undefined, await this.read(channel, {}), 'epoch');
  }

  /** Delivers `page`, announcing a reset first unless it follows `known` without a gap. */
  private deliverFrom(
    channel: string,
    known: StreamPosition | undefined,
    page: HistoryPage,
    reason: 'gap' | 'epoch',
  ): void {
    const first = page.publications[0]?.meta.offset ?? page.offset + 1;
    if (!known || first > known.offset + 1) {
      this.registry.resetStream(channel, { offset: first - 1, epoch: page.epoch }, reason);
    }
    for (const publication of page.publications) this.registry.deliver(publication);
  }

  private async read(channel: string, query: HistoryQuery): Promise<HistoryPage> {
    const deadline = Date.now() + patience;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.broker.history(channel, query);
      } catch (error) {
        if (this.closed || Date.now() >= deadline) throw error;
        await delay(Math.min(50 * 2 ** attempt, 1_000), undefined, { ref: false });
      }
    }
  }
}
