import { ErrorCodes, type ClientEventFrame } from '@herald/protocol';
import type { Span } from '@opentelemetry/api';
import type { ClusterControl } from '../cluster/cluster-control.js';
import type { Connection, DisconnectReason } from '../connection/connection.js';
import type { SocketConnection } from '../connection/socket-connection.js';
import { clientAnswer, HeraldError } from '../errors.js';
import { namespaceChannel } from '../channels/channel-names.js';
import type { GatewayContext } from './gateway-context.js';
import type { MessageGuard } from '../guards/guard.js';
import { MessageGuards, type MessageGuardOptions } from '../guards/message-guards.js';
import {
  composeMiddleware,
  type MessageContext,
  type Middleware,
} from '../middleware/middleware.js';
import type { NamespaceOptions } from '../options.js';
import { proxyRpc } from './proxy-rpc.js';
import { PathPattern } from './path-pattern.js';
import { ChannelHooks, type ChannelHook, type ChannelHookOutline } from './channel-hooks.js';
import {
  validatePayload,
  type InferOutput,
  type StandardSchema,
} from '../validation/payload-schema.js';
import type { Broadcast, ConnectionInfo, Target } from '../cluster/targeting.js';
import {
  remoteParent,
  runInSpan,
  serverSpan,
  setErrorCode,
  SpanAttributes,
  SpanNames,
  tracer,
} from '../tracing/spans.js';

export type EventHandler<P = unknown> = (
  payload: P,
  connection: Connection,
  ctx: MessageContext,
) => unknown;

export interface EventOptions<S extends StandardSchema | undefined = StandardSchema | undefined> {
  /** Validates the payload before the handler runs (zod v4 or any Standard Schema). */
  schema?: S;
  /**
   * Acknowledged: a frame without `id` is refused with WS_MESSAGE_INVALID and the handler does
   * not run, so that no client sends it without waiting for its answer.
   */
  ack?: boolean;
}

export type ConnectHook = (connection: Connection) => unknown;
export type DisconnectHook = (connection: Connection, reason: DisconnectReason) => unknown;

export interface BroadcastOptions {
  /** A connection (or its id) that must not receive it. */
  except?: Connection | string;
}

/** The `except` field of a publication for `options.except`, or nothing when there is none. */
export function exceptField(options: BroadcastOptions): { except?: string } {
  const { except } = options;
  if (except === undefined) return {};
  return { except: typeof except === 'string' ? except : except.id };
}

interface HandlerEntry {
  schema: StandardSchema | undefined;
  ack: boolean;
  handler: EventHandler;
  /**
   * `herald.event <name>`, made once. An event without a handler gets plain `herald.event`, so
   * that clients cannot make up span names.
   */
  spanName: string;
}

/** What a namespace knows of its handlers and hooks, for its description. */
export interface NamespaceOutline {
  events: {
    name: string;
    handler: EventHandler;
    schema: StandardSchema | undefined;
    ack: boolean;
    guards: { guard: MessageGuard; priority: number }[];
  }[];
  connect: readonly ConnectHook[];
  disconnect: readonly DisconnectHook[];
  channels: ChannelHookOutline[];
}

/** An endpoint: a path pattern with its handlers, hooks, middleware and options. */
export class Namespace {
  readonly pattern: PathPattern;
  readonly options: NamespaceOptions;
  /** @internal Live connections on this node. */
  readonly connections = new Set<SocketConnection>();

  private readonly handlers = new Map<string, HandlerEntry>();
  private readonly connectHooks: ConnectHook[] = [];
  private readonly disconnectHooks: DisconnectHook[] = [];
  private readonly middlewares: Middleware[] = [];
  private readonly guards = new MessageGuards();
  private readonly channelHooks = new ChannelHooks();
  private chain: ((ctx: MessageContext) => Promise<void>) | undefined;

  constructor(
    pattern: string,
    options: NamespaceOptions,
    private readonly context: GatewayContext,
    private readonly control: ClusterControl,
  ) {
    this.pattern = new PathPattern(pattern);
    this.options = options;
  }

  /** @internal The internal channel every connection of this namespace is in, for `broadcast`. */
  get broadcastChannel(): string {
    return namespaceChannel(this.pattern.source);
  }

  on<S extends StandardSchema>(
    event: string,
    options: EventOptions<S>,
    handler: EventHandler<InferOutput<S>>,
  ): this;
  on(event: string, handler: EventHandler): this;
  on(
    event: string,
    optionsOrHandler: EventOptions | EventHandler,
    maybeHandler?: EventHandler,
  ): this {
    const handler = typeof optionsOrHandler === 'function' ? optionsOrHandler : maybeHandler;
    if (!handler) throw new TypeError(`on('${event}'): a handler function is required`);
    if (this.handlers.has(event))
      throw new Error(`on('${event}'): a handler is already registered`);
    const options = typeof optionsOrHandler === 'function' ? {} : optionsOrHandler;
    this.handlers.set(event, {
      schema: options.schema,
      ack: options.ack ?? false,
      handler,
      spanName: `${SpanNames.event} ${event}`,
    });
    return this;
  }

  onConnect(hook: ConnectHook): this {
    this.connectHooks.push(hook);
    return this;
  }

  onDisconnect(hook: DisconnectHook): this {
    this.disconnectHooks.push(hook);
    return this;
  }

  /**
   * Runs `hook(connection, channel, params)` on a client's subscribe request to a channel matching
   * `pattern` (`room:{room}`), after `authorizeSubscribe` and the limits, before the channel's
   * policy: returning false refuses it with WS_FORBIDDEN, a thrown HeraldError with its code.
   */
  onSubscribe(pattern: string, hook: ChannelHook): this {
    this.channelHooks.add('subscribe', pattern, hook);
    return this;
  }

  /** Runs `hook(connection, channel, params)` after a client's unsubscribe request left a matching channel. */
  onUnsubscribe(pattern: string, hook: ChannelHook): this {
    this.channelHooks.add('unsubscribe', pattern, hook);
    return this;
  }

  /** Adds middleware run for every client event on this namespace, after the gateway's. */
  use(middleware: Middleware): this {
    this.middlewares.push(middleware);
    this.resetMiddlewareChain();
    return this;
  }

  /** Adds a message guard, run before middleware; a refusal answers WS_FORBIDDEN. */
  guard(guard: MessageGuard, options?: MessageGuardOptions): this {
    this.guards.add(guard, options);
    return this;
  }

  /** @internal Forgets the composed chain so that it is rebuilt with newly added middleware. */
  resetMiddlewareChain(): void {
    this.chain = undefined;
  }

  /** Sends an event to every connection of this namespace, on every node. */
  async broadcast(event: string, payload?: unknown, options: BroadcastOptions = {}): Promise<void> {
    await this.context.broker.publish({
      channel: this.broadcastChannel,
      event,
      payload,
      ...exceptField(options),
    });
  }

  /** A targeted broadcast limited to this namespace's connections, on every node. */
  to(target: Target): Broadcast {
    return this.control.to(target, this.pattern.source);
  }

  /** This namespace's connections matching `filter`, on every node. */
  fetchConnections(filter?: Target): Promise<ConnectionInfo[]> {
    return this.control.fetchConnections(filter, this.pattern.source);
  }

  /** User ids with a connection to this namespace, on every node. */
  online(): Promise<string[]> {
    return this.control.online(this.pattern.source);
  }

  // ---- used by the gateway (`@internal`: not in the published types) ---------------------------

  /** @internal */
  async connected(connection: SocketConnection): Promise<void> {
    this.connections.add(connection);
    this.context.index.add(connection);
    await this.context.registry.add(this.broadcastChannel, connection);
    for (const hook of this.connectHooks) await hook(connection);
  }

  /** @internal */
  async disconnected(connection: SocketConnection, reason: DisconnectReason): Promise<void> {
    this.connections.delete(connection);
    this.context.index.remove(connection);
    await this.context.registry.remove(this.broadcastChannel, connection);
    for (const hook of this.disconnectHooks) {
      try {
        await hook(connection, reason);
      } catch (error) {
        this.context.logger.error(
          { err: error, namespace: this.pattern.source },
          'onDisconnect hook failed',
        );
      }
    }
  }

  /** @internal A client's subscribe request, admitted by the namespace's checks: runs the subscribe hooks. */
  subscribing(connection: SocketConnection, channel: string): Promise<void> {
    return this.channelHooks.subscribing(connection, channel);
  }

  /** @internal A client's unsubscribe request left `channel`: runs the unsubscribe hooks, logging failures. */
  unsubscribed(connection: SocketConnection, channel: string): Promise<void> {
    return this.channelHooks.unsubscribed(connection, channel, (error) =>
      this.context.logger.error(
        { err: error, namespace: this.pattern.source, connectionId: connection.id, channel },
        'onUnsubscribe hook failed',
      ),
    );
  }

  /** @internal What this namespace knows of its handlers and hooks, for `gateway.manifest()`. */
  outline(): NamespaceOutline {
    return {
      events: [...this.handlers].map(([name, { handler, schema, ack }]) => ({
        name,
        handler,
        schema,
        ack,
        guards: this.guards.entriesFor(name),
      })),
      connect: this.connectHooks,
      disconnect: this.disconnectHooks,
      channels: this.channelHooks.outline(),
    };
  }

  /**
   * @internal Runs a client event through middleware, schema and handler, within its span (a
   * child of the trace context the client sent, if any); answers by its id.
   */
  handleEvent(connection: SocketConnection, frame: ClientEventFrame): Promise<void> {
    const entry = this.handlers.get(frame.event);
    const name = entry?.spanName ?? SpanNames.event;
    const parent = remoteParent(frame.meta);
    const span = tracer.startSpan(name, serverSpan, parent);
    if (span.isRecording()) {
      span.setAttribute(SpanAttributes.event, frame.event);
      span.setAttribute(SpanAttributes.namespace, this.pattern.source);
      span.setAttribute(SpanAttributes.connectionId, connection.id);
    }
    return runInSpan(span, parent, () => this.runEvent(connection, frame, entry, span));
  }

  private async runEvent(
    connection: SocketConnection,
    frame: ClientEventFrame,
    entry: HandlerEntry | undefined,
    span: Span,
  ): Promise<void> {
    const ctx: MessageContext = {
      connection,
      event: frame.event,
      payload: frame.payload,
      id: frame.id,
      state: {},
      result: undefined,
    };
    try {
      if (frame.id === undefined && entry?.ack) {
        throw new HeraldError(
          ErrorCodes.WS_MESSAGE_INVALID,
          `event '${frame.event}' must be sent with an id: it is acknowledged`,
          [{ path: 'id', message: 'required for an acknowledged event' }],
        );
      }
      if (this.guards.size > 0) await this.guards.check(ctx);
      this.chain ??= composeMiddleware(
        [...this.context.middlewares, ...this.middlewares],
        this.runHandler,
      );
      await this.chain(ctx);
      connection.reply(frame.id, ctx.result);
    } catch (error) {
      const answer = clientAnswer(error);
      setErrorCode(span, answer?.code ?? ErrorCodes.WS_INTERNAL);
      if (answer) {
        connection.replyError(frame.id, answer);
        return;
      }
      this.context.logger.error(
        {
          err: error,
          event: frame.event,
          connectionId: connection.id,
          namespace: this.pattern.source,
        },
        'event handler failed',
      );
      connection.replyError(frame.id, { code: ErrorCodes.WS_INTERNAL, message: 'internal error' });
    } finally {
      span.end();
    }
  }

  private runHandler = async (ctx: MessageContext): Promise<void> => {
    const entry = this.handlers.get(ctx.event);
    if (!entry) {
      ctx.result = await proxyRpc(ctx, this.options.proxy, this.context);
      return;
    }
    const { timings } = this.context.stats;
    const start = timings ? performance.now() : 0;
    try {
      // Awaited only when asynchronous: a synchronous schema and handler (the usual case) answer
      // without a microtask each.
      const checked = entry.schema ? validatePayload(entry.schema, ctx.payload) : ctx.payload;
      const payload: unknown = isThenable(checked) ? await checked : checked;
      const result: unknown = entry.handler(payload, ctx.connection, ctx);
      ctx.result = isThenable(result) ? await result : result;
    } finally {
      // Only events with a handler are timed: an unknown event name must not become a label.
      timings?.handler(this.pattern.source, ctx.event, (performance.now() - start) / 1_000);
    }
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
