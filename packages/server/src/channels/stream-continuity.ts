import type { StreamPosition } from '@herald/protocol';
import type { Logger } from 'pino';
import type { Broker, HistoryPage, HistoryQuery, Publication } from '../broker/broker.js';
import type { ChannelRegistry } from '../channel-registry.js';

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
    const { offset, epoch } = publication.meta;
    const known = offset === undefined ? undefined : this.registry.position(publication.channel);
    if (!known || offset === undefined || (epoch === known.epoch && offset === known.offset + 1)) {
      this.registry.deliver(publication);
      return;
    }
    // Already delivered, read back from history while the broker still had it on its way.
    if (epoch === known.epoch && offset <= known.offset) return;
    void this.catchUp(publication.channel, [publication]);
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
      this.logger.warn({ err: error, channel }, 'could not read back missed publications');
      this.skipGap(channel, waiting);
    }
    this.catchingUp.delete(channel);
    for (const publication of waiting) this.deliver(publication);
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

  /** History could not be read: subscribers are told they missed what came before `waiting`. */
  private skipGap(channel: string, waiting: Publication[]): void {
    const next = waiting.find((publication) => publication.meta.offset !== undefined)?.meta;
    if (next?.offset === undefined || next.epoch === undefined) return;
    const reason = this.registry.position(channel)?.epoch === next.epoch ? 'gap' : 'epoch';
    this.registry.resetStream(channel, { offset: next.offset - 1, epoch: next.epoch }, reason);
  }

  private async read(channel: string, query: HistoryQuery): Promise<HistoryPage> {
    const deadline = Date.now() + patience;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.broker.history(channel, query);
      } catch (error) {
        if (this.closed || Date.now() >= deadline) throw error;
        await sleep(Math.min(50 * 2 ** attempt, 1_000));
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
