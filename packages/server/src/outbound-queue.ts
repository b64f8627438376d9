import type { Duplex } from 'node:stream';
import type { FlushScheduler } from './flush-scheduler.js';

/**
 * What happens when a client reads slower than the gateway writes to it.
 * - `buffer`: hold frames up to the queue limits, then close the connection with 4009.
 * - `drop`: hold frames up to the limits, then drop new publications and events (counted);
 *   acks, errors and system frames are still queued up to twice the limits, then 4009.
 * - `disconnect`: hold nothing while the socket is backed up: close with 4009 at once.
 */
export type BackpressureStrategy = 'buffer' | 'drop' | 'disconnect';

export interface OutboundLimits {
  strategy: BackpressureStrategy;
  /** Bytes held by the gateway for one socket, counting the socket's own write buffer. */
  maxQueueBytes: number;
  /** Frames held by the gateway for one socket. */
  maxQueueMessages: number;
}

export interface OutboundEvents {
  /** The queue overflowed under a strategy that does not drop: the consumer is too slow. */
  onSlowConsumer(): void;
  onDropped(): void;
  onWritten(frames: number): void;
}

/**
 * One socket's bounded outbound queue. Frames are already-framed WebSocket bytes (often shared
 * by many queues); they leave in one corked write per flush, and wait for 'drain' when the
 * socket is backed up.
 */
export class OutboundQueue {
  private frames: Buffer[] = [];
  private bytes = 0;
  private waitingForDrain = false;
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    private readonly limits: OutboundLimits,
    private readonly scheduler: FlushScheduler,
    private readonly events: OutboundEvents,
  ) {}

  /** Bytes held for this socket, by the queue and the socket's write buffer. */
  get pendingBytes(): number {
    return this.bytes + this.socket.writableLength;
  }

  get pendingFrames(): number {
    return this.frames.length;
  }

  /** Queues a frame; `droppable` frames may be discarded under the `drop` strategy. */
  push(frame: Buffer, droppable: boolean): boolean {
    if (this.closed) return false;
    const { strategy, maxQueueBytes, maxQueueMessages } = this.limits;
    if (strategy === 'disconnect' && this.waitingForDrain) return this.overflow();
    const scale = strategy === 'drop' && !droppable ? 2 : 1;
    const full =
      this.pendingBytes + frame.length > maxQueueBytes * scale ||
      this.frames.length + 1 > maxQueueMessages * scale;
    if (full) {
      if (strategy === 'drop' && droppable) {
        this.events.onDropped();
        return false;
      }
      return this.overflow();
    }
    this.frames.push(frame);
    this.bytes += frame.length;
    if (!this.waitingForDrain) this.scheduler.markDirty(this);
    return true;
  }

  /** Writes what is queued, unless the socket asked to wait for 'drain'. */
  flush(): void {
    if (this.closed || this.waitingForDrain || this.frames.length === 0) return;
    this.writeAll();
    if (this.socket.writableNeedDrain) {
      this.waitingForDrain = true;
      this.socket.once('drain', this.onDrain);
    }
  }

  /** Writes everything now, ignoring backpressure: used right before a close frame. */
  flushNow(): void {
    if (!this.closed && this.frames.length > 0) this.writeAll();
  }

  /** Discards everything and refuses further frames. */
  close(): void {
    this.closed = true;
    this.frames = [];
    this.bytes = 0;
    this.socket.off('drain', this.onDrain);
  }

  private writeAll(): void {
    const frames = this.frames;
    this.frames = [];
    this.bytes = 0;
    if (this.socket.destroyed) return;
    if (frames.length === 1) {
      this.socket.write(frames[0]);
    } else {
      this.socket.cork();
      for (const frame of frames) this.socket.write(frame);
      this.socket.uncork();
    }
    this.events.onWritten(frames.length);
  }

  private onDrain = (): void => {
    this.waitingForDrain = false;
    this.flush();
  };

  private overflow(): false {
    this.close();
    this.events.onSlowConsumer();
    return false;
  }
}
