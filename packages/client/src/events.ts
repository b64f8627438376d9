/**
 * Typed event maps, in the style of Socket.IO's `ServerToClientEvents`: one interface per
 * direction mapping each event name to a signature. The parameter is the payload; for
 * client→server events the return type is the ack payload that `request()` resolves with, and
 * for server→client events it is the reply the listener gives when the server asks with an id.
 *
 * ```ts
 * interface ClientToServer { 'message.send': (m: { text: string }) => { id: string } }
 * interface ServerToClient { 'message.receive': (m: { from: string; text: string }) => void }
 * const client = new HeraldClient<ServerToClient, ClientToServer>(url);
 * ```
 */
export type EventsMap<M> = { [E in keyof M]: (...args: never[]) => unknown };

/** The map used when none is given: any name, an `unknown` payload that the listener narrows. */
export type DefaultEvents = { [event: string]: (payload?: unknown) => unknown };

export type EventNames<M> = keyof M & string;

/** The payload argument list of `E`: `[]` when the signature takes none. */
export type EventArgs<M, E extends keyof M> = M[E] extends (...args: infer A) => unknown
  ? A
  : never;

export type EventPayload<M, E extends keyof M> =
  EventArgs<M, E> extends [] ? undefined : EventArgs<M, E>[0];

/** What the other side answers to `E`. */
export type EventResult<M, E extends keyof M> = M[E] extends (...args: never[]) => infer R
  ? Awaited<R>
  : never;

/**
 * A listener for server event `E`. When the signature returns something, the server may ask
 * with an id and the listener's result is the reply; a `void` signature's result is ignored.
 */
export type EventListener<M, E extends keyof M> = (
  ...args: EventArgs<M, E>
) => [EventResult<M, E>] extends [void] ? unknown : EventResult<M, E> | Promise<EventResult<M, E>>;

/** One server event as `client.events()` yields it. */
export type ServerEvent<M> = {
  [E in EventNames<M>]: { event: E; payload: EventPayload<M, E> };
}[EventNames<M>];
