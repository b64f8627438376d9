import type { Duplex } from 'node:stream';
import {
  ErrorCodes,
  type Codec,
  type ErrorFrame,
  type FrameId,
  type ServerFrame,
} from '@herald/protocol';
import type { Logger } from 'pino';
import type { NamespaceOptions } from '../options.js';
import { EncodedFrame } from '../transport/encoded-frame.js';
import type { FlushScheduler } from '../transport/flush-scheduler.js';
import { OutboundQueue } from '../transport/outbound-queue.js';
import type { NamespaceStats } from './namespace-stats.js';

/** What an `error` frame says: its code, message and the fields at fault. */
export type ErrorFields = Pick<ErrorFrame, 'code' | 'message' | 'details'>;

export interface OutboundInit {
  socket: Duplex;
  codec: Codec;
  /** Payload size from which frames go out compressed; undefined without permessage-deflate. */
  deflateFrom: number | undefined;
  backpressure: NamespaceOptions['backpressure'];
  scheduler: FlushScheduler;
  /** The counters of the connection's namespace. */
  stats: NamespaceStats;
  logger: Logger;
  /** The client reads too slowly for the backpressure strategy: the connection must close. */
  onSlowConsumer: () => void;
}

/**
 * What goes to one client: frames encoded for its codec (shared ones once for all their
 * recipients), queued in its bounded outbound queue, and stopped for good once its close frame
 * went out. A frame its codec cannot carry is logged once and the client told what it missed.
 */
export class Outbound {
  private readonly queue: OutboundQueue;
  private readonly codec: Codec;
  private readonly deflateFrom: number | undefined;
  private readonly logger: Logger;
  private readonly stats: NamespaceStats;
  #stopped = false;

  constructor(init: OutboundInit) {
    const { stats } = init;
    this.codec = init.codec;
    this.deflateFrom = init.deflateFrom;
    this.logger = init.logger;
    this.stats = stats;
    this.queue = new OutboundQueue(init.socket, init.backpressure, init.scheduler, {
      onWritten: (frames) => {
        stats.messagesOut += frames;
      },
      onDropped: () => {
        stats.dropped += 1;
      },
      onSlowConsumer: () => {
        stats.slowConsumers += 1;
        init.onSlowConsumer();
      },
    });
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
    const bytes = frame.bytesFor(this.codec, this.deflateFrom);
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
    const bytes = encoded.bytesFor(this.codec, this.deflateFrom);
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
    if (!frame.bytesFor(this.codec, this.deflateFrom)) throw frame.failureFor(this.codec)?.error;
  }

  /**
   * Queues a frame the client asked for once it fits in half the outbound queue's limits (the
   * other half stays for live traffic); resolves false if the connection closed first. A frame
   * its codec cannot carry is reported to the client instead, as `shared` does.
   */
  whenRoom(frame: EncodedFrame): Promise<boolean> {
    if (this.#stopped) return Promise.resolve(false);
    const bytes = frame.bytesFor(this.codec, this.deflateFrom);
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
