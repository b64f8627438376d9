/** Listener signatures by event name (an interface qualifies, unlike with an index signature). */
export type ListenerMap<M> = { [K in keyof M]: (...args: never[]) => unknown };

/**
 * A small typed event emitter: the client must run in browsers, where `node:events` is absent.
 * A listener that throws does not stop the others; the error goes to `onListenerError`.
 */
export class Emitter<M extends ListenerMap<M>> {
  private readonly listeners = new Map<keyof M, Set<M[keyof M]>>();

  constructor(private readonly onListenerError: (error: unknown) => void = reportError) {}

  on<K extends keyof M>(event: K, listener: M[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  once<K extends keyof M>(event: K, listener: M[K]): () => void {
    const wrapper = ((...args: Parameters<M[K]>) => {
      this.off(event, wrapper);
      return listener(...args);
    }) as M[K];
    return this.on(event, wrapper);
  }

  off<K extends keyof M>(event: K, listener?: M[K]): void {
    if (listener === undefined) this.listeners.delete(event);
    else this.listeners.get(event)?.delete(listener);
  }

  listenerCount(event: keyof M): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** The listeners of `event`, in the order they were added. */
  listenersOf<K extends keyof M>(event: K): M[K][] {
    return [...(this.listeners.get(event) ?? [])] as M[K][];
  }

  emit<K extends keyof M>(event: K, ...args: Parameters<M[K]>): void {
    for (const listener of this.listenersOf(event)) {
      try {
        (listener as (...a: Parameters<M[K]>) => unknown)(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}

function reportError(error: unknown): void {
  // Rethrown outside the emit loop, as browsers report errors from event handlers.
  queueMicrotask(() => {
    throw error;
  });
}
