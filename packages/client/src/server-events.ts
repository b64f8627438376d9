import type { ClientFrame, FrameId } from '@herald/protocol';
import { AsyncQueue } from './async-queue.js';
import { Emitter } from './emitter.js';
import type { DefaultEvents, EventsMap, ServerEvent } from './events.js';
import { errorMessage, isLifecycleEvent } from './lifecycle.js';

export type AnyListener = (...args: unknown[]) => unknown;

/**
 * The gateway's events as the application receives them: listeners by event name, and
 * `events()` iterators, each holding up to `bufferSize` events for a slow loop. A server→client
 * request is answered by the first listener of its event.
 */
export class ServerEvents<S extends EventsMap<S> = DefaultEvents> {
  readonly listeners: Emitter<Record<string, AnyListener>>;
  readonly #iterators = new Set<AsyncQueue<ServerEvent<S>>>();
  readonly #bufferSize: number;
  readonly #send: (frame: ClientFrame) => void;
  readonly #report: (error: unknown) => void;

  constructor(
    bufferSize: number,
    send: (frame: ClientFrame) => void,
    report: (error: unknown) => void,
  ) {
    this.#bufferSize = bufferSize;
    this.#send = send;
    this.#report = report;
    this.listeners = new Emitter((error) => report(error));
  }

  /** See `HeraldClient.events`. */
  events(): AsyncIterable<ServerEvent<S>> {
    const queue = new AsyncQueue<ServerEvent<S>>();
    this.#iterators.add(queue);
    return {
      [Symbol.asyncIterator]: () => {
        const iterator = queue[Symbol.asyncIterator]();
        return {
          next: () => iterator.next(),
          return: () => {
            this.#iterators.delete(queue);
            return iterator.return?.() ?? Promise.resolve({ value: undefined, done: true });
          },
        };
      },
    };
  }

  /** Ends every `events()` iterator (the client was closed). */
  endIterators(): void {
    for (const queue of this.#iterators) queue.close();
    this.#iterators.clear();
  }

  /** An event from the gateway: to its listeners and to every iterator. */
  dispatch(event: string, payload: unknown): void {
    if (isLifecycleEvent(event)) return;
    this.listeners.emit(event, payload);
    const item = { event, payload } as ServerEvent<S>;
    for (const queue of this.#iterators) {
      queue.push(item);
      if (queue.size > this.#bufferSize) queue.dropOldest();
    }
  }

  /** A server→client request: the first listener's result is the ack, its throw the error. */
  async answer(id: FrameId, event: string, payload: unknown): Promise<void> {
    const [first, ...others] = isLifecycleEvent(event) ? [] : this.listeners.listenersOf(event);
    if (!first) {
      this.#send({
        type: 'error',
        id,
        code: 'WS_NOT_FOUND',
        message: `no listener for '${event}'`,
      });
      return;
    }
    for (const listener of others) {
      try {
        listener(payload);
      } catch (error) {
        this.#report(error);
      }
    }
    try {
      this.#send({ type: 'ack', id, payload: await first(payload) });
    } catch (error) {
      this.#send({ type: 'error', id, code: 'WS_INTERNAL', message: errorMessage(error) });
    }
  }
}
