import type { FrameSink } from './client-link.js';
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

/** A frame the client asked for, waiting for room in the queue. */
interface WaitingAnswer {
  frame: Buffer;
  settle(queued: boolean): void;
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
  /** Made on first use: most connections never wait for room. */
  private answers: WaitingAnswer[] | undefined;
  private onDrain: (() => void) | undefined;
  private answerBytes = 0;

  constructor(
    private readonly socket: FrameSink,
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

  /**
   * Queues a frame; `droppable` frames may be discarded under the `drop` strategy. A frame with
   * a `delay` (ms) may wait that long for others to share its write; one without is written
   * after this turn, with everything queued before it.
   */
  push(frame: Buffer, droppable: boolean, delay = 0): boolean {
    if (this.closed) return false;
    const { strategy, maxQueueBytes, maxQueueMessages } = this.limits;
    if (strategy === 'disconnect' && this.waitingForDrain) return this.overflow();
    const scale = strategy === 'drop' && !droppable ? 2 : 1;
    const full =
      this.pendingBytes + frame.length > maxQueueBytes * scale ||
      this.frames.length + 1 > maxQueueMessages * scale;
    if (full) return this.refuse(droppable);
    this.enqueue(frame, delay);
    return true;
  }

  /**
   * Queues a frame the client asked for (an answer, or one part of a long one) once it fits in
   * half the limits, leaving the other half to everything else: such frames are never dropped and
   * do not overflow the queue, they wait, in the order given. A frame larger than half the limits
   * goes alone, once nothing else is waiting to be written. What waits is bounded by the limits
   * too: past them the client asks faster than it reads, and is closed as a slow consumer.
   * Resolves true once the frame is queued, false if the queue closed first.
   */
  pushWhenRoom(frame: Buffer): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    const { maxQueueBytes, maxQueueMessages } = this.limits;
    const answers = (this.answers ??= []);
    const backlog =
      answers.length > 0 &&
      (this.answerBytes + frame.length > maxQueueBytes || answers.length + 1 > maxQueueMessages);
    if (backlog) return Promise.resolve(this.overflow());
    return new Promise((settle) => {
      answers.push({ frame, settle });
      this.answerBytes += frame.length;
      this.admitAnswers();
    });
  }

  /** What a frame that does not fit gets: dropped under `drop` when droppable, else 4009. */
  refuse(droppable: boolean): false {
    if (this.closed) return false;
    if (this.limits.strategy === 'drop' && droppable) {
      this.events.onDropped();
      return false;
    }
    return this.overflow();
  }

  /** Writes what is queued, unless the socket asked to wait for 'drain'. */
  flush(): void {
    if (this.closed || this.waitingForDrain) return;
    if (this.frames.length > 0) {
      this.writeAll();
      if (this.socket.writableNeedDrain) {
        this.waitingForDrain = true;
        // Made when needed: most sockets never back up, and a listener kept per queue costs memory.
        this.onDrain ??= () => {
          this.waitingForDrain = false;
          this.flush();
        };
        this.socket.once('drain', this.onDrain);
      }
    }
    this.admitAnswers();
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
    if (this.onDrain) this.socket.off('drain', this.onDrain);
    for (const answer of this.answers?.splice(0) ?? []) answer.settle(false);
    this.answerBytes = 0;
  }

  private enqueue(frame: Buffer, delay = 0): void {
    this.frames.push(frame);
    this.bytes += frame.length;
    if (!this.waitingForDrain) this.scheduler.markDirty(this, delay);
  }

  private admitAnswers(): void {
    const answers = this.answers;
    if (!answers) return;
    for (let next = answers[0]; next && this.hasRoomFor(next.frame); next = answers[0]) {
      answers.shift();
      this.answerBytes -= next.frame.length;
      this.enqueue(next.frame);
      next.settle(true);
    }
  }

  private hasRoomFor(frame: Buffer): boolean {
    const { strategy, maxQueueBytes, maxQueueMessages } = this.limits;
    if (this.closed || (strategy === 'disconnect' && this.waitingForDrain)) return false;
    if (this.frames.length === 0 && !this.waitingForDrain) return true;
    return (
      this.pendingBytes + frame.length <= maxQueueBytes / 2 &&
      this.frames.length + 1 <= maxQueueMessages / 2
    );
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

  private overflow(): false {
    this.close();
    this.events.onSlowConsumer();
    return false;
  }
}
