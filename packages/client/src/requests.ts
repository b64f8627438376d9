import {
  PendingRequests,
  type AuthFrame,
  type ChannelRequestFrame,
  type ClientFrame,
  type ClientEventFrame,
  type FrameId,
  type RequestOutcome,
} from '@herald/protocol';
import { HeraldError, TimeoutError, type ConnectionError } from './errors.js';
import { OfflineQueue, type OfflineQueueOptions, type QueuedMessage } from './offline-queue.js';

/** Frames the client sends with an id and an answer to wait for. */
export type RequestFrame = ClientEventFrame | AuthFrame | ChannelRequestFrame;

/** What requests need from the connection. */
export interface RequestLink {
  readonly isConnected: boolean;
  /** The socket is open and the session not yet accepted: only an `auth` frame may go. */
  readonly awaitingSession: boolean;
  send(frame: ClientFrame): void;
}

/**
 * What the client sends to the gateway: requests awaiting an answer by id (each with its
 * timeout), and events without one. While not connected, events and requests of events wait in
 * the offline queue; they go out in order on connect.
 */
export class Requests {
  readonly #pending = new PendingRequests();
  readonly #queue: OfflineQueue;
  readonly #link: RequestLink;
  readonly #report: (error: unknown) => void;

  constructor(link: RequestLink, queue: OfflineQueueOptions, report: (error: unknown) => void) {
    this.#link = link;
    this.#queue = new OfflineQueue(queue);
    this.#report = report;
  }

  /** Messages waiting in the offline queue. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Sends `frame` without asking for an answer, or queues it while not connected. */
  emit(frame: ClientEventFrame): void {
    if (this.#link.isConnected) {
      this.#link.send(frame);
      return;
    }
    this.#queue.add({ frame, discard: (error) => this.#report(error) });
  }

  /** Sends `frame` with a fresh id; resolves with the ack payload. */
  call(frame: RequestFrame, timeout: number): Promise<unknown> {
    let queued: QueuedMessage | undefined;
    return this.#pending.request({
      timeout,
      timeoutError: () => {
        if (queued) this.#queue.remove(queued);
        return new TimeoutError(`no answer to '${describe(frame)}' within ${timeout} ms`);
      },
      send: (id) => {
        const withId = { ...frame, id };
        const link = this.#link;
        if (link.isConnected || (withId.type === 'auth' && link.awaitingSession)) {
          link.send(withId);
          return;
        }
        // Only application events wait in the offline queue; the rest is redone on connect.
        if (withId.type !== 'event') throw new HeraldError('WS_DISCONNECTED', 'not connected');
        queued = { frame: withId, discard: (error) => this.settle(id, { error }) };
        this.#queue.add(queued);
      },
    });
  }

  /** Ends a pending request with the gateway's answer. */
  settle(id: FrameId, outcome: RequestOutcome): void {
    this.#pending.settle(id, outcome);
  }

  /** A session was accepted: what waited in the offline queue goes out, oldest first. */
  flush(): void {
    for (const message of this.#queue.take()) this.#link.send(message.frame);
  }

  /**
   * The connection dropped: the requests that went out on it fail, as whether they were handled
   * is unknown. Those still in the offline queue wait for the next session.
   */
  lost(error: ConnectionError): void {
    this.#pending.rejectAll(error, (id) => !this.#queue.holds(id));
  }

  /** The client stopped for good: everything queued or awaiting an answer fails with `error`. */
  giveUp(error: ConnectionError): void {
    for (const message of this.#queue.take()) message.discard(error);
    this.#pending.rejectAll(error);
  }
}

function describe(frame: RequestFrame): string {
  switch (frame.type) {
    case 'event':
      return frame.event;
    case 'subscribe':
    case 'unsubscribe':
    case 'publish':
    case 'history':
    case 'presence':
    case 'presenceStats':
      return `${frame.type} ${frame.channel}`;
    case 'auth':
      return 'auth';
  }
}
