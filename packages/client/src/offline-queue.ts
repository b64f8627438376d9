import type { ClientEventFrame, FrameId } from '@herald/protocol';
import { HeraldError } from './errors.js';

/**
 * What `emit` does when the offline queue is full:
 * - `drop-oldest` (default): the oldest queued message is dropped to make room;
 * - `drop-newest`: the new message is dropped;
 * - `error`: `emit` throws a `HeraldError` with code `WS_QUEUE_FULL` (and `request` rejects).
 */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';

export interface OfflineQueueOptions {
  /** Messages held while not connected; 0 holds none. */
  maxSize: number;
  overflow: OverflowPolicy;
}

export interface QueuedMessage {
  frame: ClientEventFrame;
  /** Told when the message leaves the queue without being sent. */
  discard(error: HeraldError): void;
}

/** Holds `emit`s and `request`s made while the client is not connected, sent in order on connect. */
export class OfflineQueue {
  private items: QueuedMessage[] = [];

  constructor(private readonly options: OfflineQueueOptions) {}

  get size(): number {
    return this.items.length;
  }

  add(message: QueuedMessage): void {
    if (this.items.length < this.options.maxSize) {
      this.items.push(message);
      return;
    }
    switch (this.options.overflow) {
      case 'error':
        throw this.full(message);
      case 'drop-newest':
        message.discard(this.full(message));
        return;
      case 'drop-oldest': {
        // Push first: with maxSize 0 the oldest is the new message itself.
        this.items.push(message);
        const oldest = this.items.shift() as QueuedMessage;
        oldest.discard(this.full(oldest));
        return;
      }
    }
  }

  /** Whether the request with `id` waits here (not sent yet). */
  holds(id: FrameId): boolean {
    return this.items.some((item) => item.frame.id === id);
  }

  remove(message: QueuedMessage): void {
    this.items = this.items.filter((item) => item !== message);
  }

  private full(dropped: QueuedMessage): HeraldError {
    return new HeraldError(
      'WS_QUEUE_FULL',
      `offline queue full (${this.options.maxSize}): dropped '${dropped.frame.event}'`,
    );
  }

  /** Empties the queue, oldest first. */
  take(): QueuedMessage[] {
    const items = this.items;
    this.items = [];
    return items;
  }
}
