import {
  ErrorCodes,
  type Codec,
  type ErrorFrame,
  type FrameId,
  type ServerFrame,
} from '@herald/protocol';
import type { Logger } from 'pino';
import type { NamespaceOptions } from '../options.js';
import type { FrameSink } from '../transport/client-link.js';
import { EncodedFrame } from '../transport/encoded-frame.js';
import type { FlushScheduler } from '../transport/flush-scheduler.js';
import type { Framing } from '../transport/framing.js';
import { OutboundQueue, type OutboundEvents } from '../transport/outbound-queue.js';
import type { NamespaceStats } from './namespace-stats.js';

/** What an `error` frame says: its code, message and the fields at fault. */
export type ErrorFields = Pick<ErrorFrame, 'code' | 'message' | 'details'>;

export interface OutboundInit {
  sink: FrameSink;
  codec: Codec;
  /** How frames are laid out for the client's transport (compressed or not on a WebSocket). */
  framing: Framing;
  backpressure: NamespaceOptions['backpressure'];
  scheduler: FlushScheduler;
  /** The counters of the connection's namespace. */
  stats: NamespaceStats;
  logger: Logger;
  /** Told when the client reads too slowly for the backpressure strategy: it must close. */
  owner: { closeSlowConsumer(): void };
}

/**
 * What goes to one client: frames encoded for its codec (shared ones once for all their
 * recipients), queued in its bounded outbound queue, and stopped for good once its close frame
 * went out. A frame its codec cannot carry is logged once and the client told what it missed.
 */
export class Outbound implements OutboundEvents {
  private readonly queue: OutboundQueue;
  private readonly codec: Codec;
  private readonly framing: Framing;
  private readonly logger: Logger;
  private readonly stats: NamespaceStats;
  private readonly owner: OutboundInit['owner'];
  #stopped = false;

  constructor(init: OutboundInit) {
    this.codec = init.codec;
    this.framing = init.framing;
    this.logger = init.logger;
    this.stats = init.stats;
    this.owner = init.owner;
    // This object hears the queue's events itself: no closures per connection.
    this.queue = new OutboundQueue(init.sink, init.backpressure, init.scheduler, this);
  }

  // ---- the queue's events -----------------------------------------------------------------------

  onWritten(frames: number): void {
    this.stats.messagesOut += frames;
  }

  onDropped(): void {
    this.stats.dropped += 1;
  }

  onSlowConsumer(): void {
    this.stats.slowConsumers += 1;
    this.owner.closeSlowConsumer();
  }

  /** The close frame went out (or the socket is gone): nothing more is sent. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Bytes waiting to be written. */
  get pendingBytes(): number {
    return this.queue.pendingBytes;
  }

  /**
   * Queues a frame shared with other connections; only publications are `droppable`, and only
   * they and server events may wait `writeDelay` ms for company in one write.
   */
  shared(frame: EncodedFrame, droppable = false, writeDelay = 0): void {
    if (this.#stopped) return;
    const bytes = frame.bytesFor(this.codec, this.framing);
    if (bytes) this.queue.push(bytes, droppable, writeDelay);
    else this.undeliverable(frame);
  }

  /**
   * Encodes and queues one frame for this client only; throws the codec's error if it cannot.
   * `writeDelay` as for `shared`.
   */
  frame(frame: ServerFrame, droppable: boolean, writeDelay = 0): void {
    if (this.#stopped) return;
    const encoded = new EncodedFrame(frame);
    const bytes = encoded.bytesFor(this.codec, this.framing);
    if (!bytes) throw encoded.failureFor(this.codec)?.error;
    this.queue.push(bytes, droppable, writeDelay);
  }

  /** Queues an `error` frame, answering the frame `id` when there is one. */
  error(id: FrameId | undefined, error: ErrorFields): void {
    const frame: ErrorFrame = { type: 'error', code: error.code, message: error.message };
    if (id !== undefined) frame.id = id;
    if (error.details && error.details.length > 0) frame.details = error.details;
    this.stats.errorSent(error.code);
    this.frame(frame, false);
  }

  /** Queues bytes already encoded for this codec (shared constant frames). */
  encoded(bytes: Buffer): void {
    if (!this.#stopped) this.queue.push(bytes, false);
  }

  /** Whether this codec can carry `frame`; throws the codec's error if not. */
  assertEncodable(frame: EncodedFrame): void {
    if (!frame.bytesFor(this.codec, this.framing)) throw frame.failureFor(this.codec)?.error;
  }

  /**
   * Queues a frame the client asked for once it fits in half the outbound queue's limits (the
   * other half stays for live traffic); resolves false if the connection closed first. A frame
   * its codec cannot carry is reported to the client instead, as `shared` does.
   */
  whenRoom(frame: EncodedFrame): Promise<boolean> {
    if (this.#stopped) return Promise.resolve(false);
    const bytes = frame.bytesFor(this.codec, this.framing);
    if (bytes) return this.queue.pushWhenRoom(bytes);
    this.undeliverable(frame);
    return Promise.resolve(true);
  }

  /**
   * A publication held back for this client (while a subscription recovers) that no longer fits
   * in the queue limits: dropped and counted under `drop`, otherwise a slow-consumer close.
   */
  refuseHeld(): void {
    this.queue.refuse(true);
  }

  /** Writes everything queued now. */
  flushNow(): void {
    this.queue.flushNow();
  }

  /** Sends nothing more; `flush` first writes what is queued (before a close frame). */
  stop(flush: boolean): void {
    if (flush && !this.#stopped) this.queue.flushNow();
    this.#stopped = true;
    this.queue.close();
  }

  /** A frame this codec cannot encode: logged once for all its recipients, and the client told. */
  private undeliverable(frame: EncodedFrame): void {
    const failure = frame.failureFor(this.codec);
    if (failure && !failure.reported) {
      failure.reported = true;
      this.logger.error(
        { err: failure.error, codec: this.codec.subprotocol, frame: frame.describe() },
        'a frame could not be encoded for some of its recipients',
      );
    }
    this.error(undefined, {
      code: ErrorCodes.WS_INTERNAL,
      message: `${frame.describe()} could not be delivered`,
    });
  }
}
