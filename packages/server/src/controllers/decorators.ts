import type { Connection, DisconnectReason } from '../connection/connection.js';
import type { HandshakeGuard, MessageGuard } from '../guards/guard.js';
import type { MessageContext } from '../middleware/middleware.js';
import type { InferOutput, StandardSchema } from '../validation/payload-schema.js';
import {
  marksOfClass,
  marksOfMethod,
  type ControllerClass,
  type SocketOptions,
} from './metadata.js';
import type { Token, TokenValues } from './tokens.js';

/**
 * Standard (TC39) decorators for controllers: they need neither `experimentalDecorators` nor
 * `reflect-metadata`, and only record what they are given (see metadata.ts).
 */

type Method<This, Args extends unknown[], Result> = (this: This, ...args: Args) => Result;
type InferInput<S> = S extends StandardSchema<infer I, unknown> ? I : unknown;
type Payload<S> = S extends StandardSchema ? InferOutput<S> : unknown;
type Reply<R> = R extends StandardSchema ? InferInput<R> | Promise<InferInput<R>> : unknown;

/** A method decorator's name for itself in errors: `@Event on ChatSocket.send`. */
function methodName(
  decorator: string,
  context: Pick<ClassMethodDecoratorContext, 'name' | 'private' | 'static'>,
): string {
  if (context.private || context.static || typeof context.name === 'symbol') {
    throw new TypeError(
      `${decorator} needs a public instance method with a string name, not ${String(context.name)}`,
    );
  }
  return context.name;
}

/**
 * Declares a controller: its namespace path (`/chat/:room`), namespace options, the DI tokens
 * its constructor receives (`inject`, checked against the constructor's parameters) and the
 * events it sends (`serverEvents`).
 */
export function Socket<const I extends readonly Token[] = []>(
  path: string,
  options: SocketOptions<I> = {},
) {
  return <C extends new (...args: TokenValues<I>) => object>(
    klass: C,
    context: ClassDecoratorContext<C>,
  ): void => {
    const marks = marksOfClass(klass);
    // Decorators run bottom-up: the one already recorded is written below this one.
    if (marks.socket) {
      throw new TypeError(
        `${context.name ?? 'this class'}: @Socket is declared twice, with ` +
          `'${marks.socket.path}' and '${path}': keep one`,
      );
    }
    marks.socket = { path, options };
  };
}

/** Runs when a connection of this controller's namespace opens, before any of its events. */
export function OnConnect() {
  return <This>(
    method: Method<This, [connection: Connection], unknown>,
    context: ClassMethodDecoratorContext<This>,
  ): void => {
    marksOfMethod(method, methodName('@OnConnect', context)).connect = true;
  };
}

/** Runs when a connection closes, whatever the reason (clean, abrupt, kicked, shutdown). */
export function OnDisconnect() {
  return <This>(
    method: Method<This, [connection: Connection, reason: DisconnectReason], unknown>,
    context: ClassMethodDecoratorContext<This>,
  ): void => {
    marksOfMethod(method, methodName('@OnDisconnect', context)).disconnect = true;
  };
}

export interface EventDecoratorOptions<
  S extends StandardSchema | undefined,
  R extends StandardSchema | undefined,
> {
  /** Validates the payload before the method runs; the method receives its output. */
  schema?: S;
  /** Refuse frames without `id` (WS_MESSAGE_INVALID): the client must ask for the ack. */
  ack?: boolean;
  /** The ack payload's schema: the method must return it; clients are typed by it. */
  reply?: R;
}

/** Handles a client event; what the method returns is the ack payload. */
export function Event<
  S extends StandardSchema | undefined = undefined,
  R extends StandardSchema | undefined = undefined,
>(name: string, options: EventDecoratorOptions<S, R> = {}) {
  return <This>(
    method: Method<
      This,
      [connection: Connection, payload: Payload<S>, ctx: MessageContext],
      Reply<R>
    >,
    context: ClassMethodDecoratorContext<This>,
  ): void => {
    marksOfMethod(method, methodName('@Event', context)).events.push({
      name,
      schema: options.schema,
      ack: options.ack ?? false,
      reply: options.reply,
    });
  };
}

/** A channel handler: the client-visible channel and what the pattern captured from it. */
type ChannelHandler<This, Result> = Method<
  This,
  [connection: Connection, channel: string, params: Record<string, string>],
  Result
>;

/**
 * Runs on a client's subscribe request to a channel matching `pattern` (`room:{room}`), after
 * the namespace's checks and before the channel's policy: returning false refuses it with
 * WS_FORBIDDEN, throwing a HeraldError refuses it with that code.
 */
export function Subscribe(pattern: string) {
  return <This>(
    method: ChannelHandler<This, unknown>,
    context: ClassMethodDecoratorContext<This>,
  ): void => {
    marksOfMethod(method, methodName('@Subscribe', context)).channels.push({
      kind: 'subscribe',
      pattern,
    });
  };
}

/** Runs after a client's unsubscribe request left a channel matching `pattern`. */
export function Unsubscribe(pattern: string) {
  return <This>(
    method: ChannelHandler<This, unknown>,
    context: ClassMethodDecoratorContext<This>,
  ): void => {
    marksOfMethod(method, methodName('@Unsubscribe', context)).channels.push({
      kind: 'unsubscribe',
      pattern,
    });
  };
}

export interface GuardDecoratorOptions {
  /** Higher runs first; equal priorities run top to bottom. Default 0. */
  priority?: number;
}

/** On the class, a guard runs at the handshake; on an `@Event` method, before that event. */
type GuardDecorator<G> = (G extends HandshakeGuard
  ? (klass: ControllerClass, context: ClassDecoratorContext) => void
  : unknown) &
  (G extends MessageGuard
    ? <This>(
        method: Method<This, never[], unknown>,
        context: ClassMethodDecoratorContext<This>,
      ) => void
    : unknown);

/**
 * A guard: false refuses with WS_FORBIDDEN (a handshake with close code 4003), a thrown
 * HeraldError with its code. `requireRoles(...)` and the other helpers fit both places; a guard
 * of your own names its context type (`HandshakeContext` or `MessageContext`).
 */
export function Guard<G extends HandshakeGuard | MessageGuard>(
  guard: G,
  options: GuardDecoratorOptions = {},
): GuardDecorator<G> {
  const priority = options.priority ?? 0;
  const decorate = (
    target: object,
    context: ClassDecoratorContext | ClassMethodDecoratorContext,
  ): void => {
    if (context.kind === 'class') {
      marksOfClass(target).guards.unshift({ guard: guard as HandshakeGuard, priority });
      return;
    }
    marksOfMethod(target, methodName('@Guard', context)).guards.unshift({
      guard: guard as MessageGuard,
      priority,
    });
  };
  return decorate as GuardDecorator<G>;
}

/**
 * Declares an event the controller sends and its payload schema, so that generated clients are
 * typed; repeat it for each event (or use `serverEvents` on `@Socket`).
 */
export function Emits(name: string, schema?: StandardSchema) {
  return (klass: ControllerClass, context: ClassDecoratorContext): void => {
    void context;
    marksOfClass(klass).emits.unshift({ name, schema });
  };
}
