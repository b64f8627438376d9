import {
  jsonCodec,
  parseServerFrame,
  type AuthFrame,
  type ChannelRequestFrame,
  type ClientFrame,
  type Codec,
  type EventFrame,
  type FrameId,
  type ServerFrame,
  type ShutdownNotice,
} from '@herald/protocol';
import { AsyncQueue } from './async-queue.js';
import { Emitter } from './emitter.js';
import { ConnectionError, HeraldError, RequestError, TimeoutError } from './errors.js';
import type {
  DefaultEvents,
  EventListener,
  EventNames,
  EventPayload,
  EventResult,
  EventsMap,
  ServerEvent,
  EventArgs,
} from './events.js';
import { Heartbeat, type HeartbeatOptions } from './heartbeat.js';
import { ReconnectPolicy, retryBackoff, type ReconnectOptions } from './reconnect-policy.js';
import { OfflineQueue, type OfflineQueueOptions, type QueuedMessage } from './offline-queue.js';
import { SessionGate } from './session-gate.js';
import {
  buildUrl,
  closeSocket,
  messageData,
  resolveWebSocket,
  type WebSocketConstructor,
} from './socket.js';
import {
  Subscription,
  type SubscriptionControl,
  type SubscribeOptions,
  type SubscriptionHandlers,
  type SubscriptionHost,
} from './subscription.js';

export interface HeraldClientOptions {
  /** Sent as `?token=` (or in the `bearer` subprotocol, see `tokenTransport`). */
  token?: string;
  /** Called before every connect and reconnect; wins over `token`. */
  getToken?: () => string | Promise<string>;
  /** Default `query`. `subprotocol` offers `[codec, 'bearer', token]` in `Sec-WebSocket-Protocol`. */
  tokenTransport?: 'query' | 'subprotocol';
  /** Default JSON; `msgpackCodec` from `@herald/client/msgpack` for binary frames. */
  codec?: Codec;
  /** Connect from the constructor. Default true. */
  autoConnect?: boolean;
  /** Milliseconds for an attempt to get a session accepted by the gateway. Default 10 000. */
  connectTimeout?: number;
  /** Default timeout in milliseconds of `request()` and of subscribe requests. Default 10 000. */
  requestTimeout?: number;
  /** `false` disables reconnecting. */
  reconnect?: Partial<ReconnectOptions> | false;
  /** App-level ping. Default every 25 000 ms, dead after 10 000 ms of silence. `false` disables. */
  heartbeat?: Partial<HeartbeatOptions> | false;
  /** Default 100 messages, `drop-oldest`. */
  offlineQueue?: Partial<OfflineQueueOptions>;
  /** Buffered events per `events()` iterator before the oldest is dropped. Default 1 000. */
  eventsBufferSize?: number;
  /** A WebSocket implementation; default the global one, else `ws`. */
  WebSocket?: WebSocketConstructor;
}

/**
 * - `disconnected`: no socket and no reconnect planned (before `connect()`, after `close()`,
 *   or after a close whose code forbids reconnecting);
 * - `connecting`: getting a token, opening a socket, waiting for the gateway to accept the session;
 * - `connected`: the gateway accepted the session (`system` `connected`);
 * - `reconnecting`: waiting out a backoff delay before the next attempt.
 */
export type ClientState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

export interface DisconnectInfo {
  code: number;
  reason: string;
  willReconnect: boolean;
}

/** Client lifecycle events. Their names are reserved: a server event cannot use them. */
export interface ClientLifecycleEvents {
  connecting: () => void;
  connected: () => void;
  /** Every socket that closes, including attempts that never opened (code 1006). */
  disconnected: (info: DisconnectInfo) => void;
  reconnecting: (info: { attempt: number; delay: number }) => void;
  error: (error: Error) => void;
}

const lifecycleEvents: ReadonlySet<string> = new Set<keyof ClientLifecycleEvents>([
  'connecting',
  'connected',
  'disconnected',
  'reconnecting',
  'error',
]);

export interface RequestOptions {
  /** Milliseconds to wait for the ack; default the client's `requestTimeout`. */
  timeout?: number;
}

type AnyListener = (...args: unknown[]) => unknown;
/** Frames the client sends with an id and an answer to wait for. */
type RequestFrame = EventFrame | AuthFrame | ChannelRequestFrame;

interface Pending {
  resolve: (payload: unknown) => void;
  reject: (error: HeraldError) => void;
  timer: ReturnType<typeof setTimeout>;
  /** Set once the frame went out: only then can a dropped connection lose its answer. */
  sent: boolean;
}

/**
 * The Herald client, for browsers and Node. `S` maps server→client events, `C` client→server
 * events (see `EventsMap`).
 */
export class HeraldClient<
  S extends EventsMap<S> = DefaultEvents,
  C extends EventsMap<C> = DefaultEvents,
> {
  private readonly codec: Codec;
  private readonly reconnect: ReconnectPolicy | undefined;
  private readonly heartbeat: Heartbeat | undefined;
  private readonly queue: OfflineQueue;
  private readonly lifecycle = new Emitter<Record<string, AnyListener>>();
  private readonly serverEvents = new Emitter<Record<string, AnyListener>>((error) =>
    this.report(error),
  );
  private readonly iterators = new Set<AsyncQueue<ServerEvent<S>>>();
  private readonly pending = new Map<FrameId, Pending>();
  private readonly subscriptions = new Map<string, SubscriptionControl>();
  private readonly subscriptionHost: SubscriptionHost;
  private readonly gate: SessionGate;
  private token: string | undefined;
  private socket: WebSocket | undefined;
  private current: ClientState = 'disconnected';
  /** Bumped by `close()` and by each attempt, so that stale async steps and sockets stand down. */
  private attemptId = 0;
  private stopped = true;
  private nextId = 1;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private shutdownNotice: ShutdownNotice | undefined;

  constructor(
    readonly url: string,
    private readonly options: HeraldClientOptions = {},
  ) {
    this.codec = options.codec ?? jsonCodec;
    this.token = options.token;
    this.gate = new SessionGate(options.connectTimeout ?? 10_000, () =>
      this.dropSocket(1006, 'connect timeout'),
    );
    if (options.reconnect !== false) this.reconnect = new ReconnectPolicy(options.reconnect);
    if (options.heartbeat !== false) {
      this.heartbeat = new Heartbeat(
        { interval: 25_000, timeout: 10_000, ...options.heartbeat },
        () => this.sendFrame({ type: 'ping' }),
        () => this.dropSocket(1006, 'heartbeat timeout'),
      );
    }
    this.queue = new OfflineQueue({
      maxSize: 100,
      overflow: 'drop-oldest',
      ...options.offlineQueue,
    });
    this.subscriptionHost = {
      isConnected: () => this.current === 'connected',
      call: (frame) => this.call(frame, this.options.requestTimeout ?? 10_000),
      forget: (subscription) => {
        if (this.subscriptions.get(subscription.channel) === subscription) {
          this.subscriptions.delete(subscription.channel);
        }
      },
      retryBackoff: () => retryBackoff(options.reconnect || undefined),
    };
    if (options.autoConnect !== false) this.connect().catch(() => undefined);
  }

  get state(): ClientState {
    return this.current;
  }

  get isConnected(): boolean {
    return this.current === 'connected';
  }

  /** Round-trip time in ms of the last heartbeat ping, once one was answered. */
  get latency(): number | undefined {
    return this.heartbeat?.latency;
  }

  /** The subprotocol the gateway chose, once connected. */
  get protocol(): string | undefined {
    return this.socket?.protocol;
  }

  /** Messages waiting in the offline queue. */
  get queued(): number {
    return this.queue.size;
  }

  /**
   * Connects (or reconnects at once if a backoff delay is running). Resolves once the gateway has
   * accepted the session; rejects with a `ConnectionError` if this attempt fails first (refused,
   * closed, `connectTimeout`, `close()`). `willReconnect` on it says whether the client goes on.
   */
  connect(): Promise<void> {
    const connected = this.gate.session();
    this.stopped = false;
    if (this.current === 'disconnected' || this.current === 'reconnecting') {
      clearTimeout(this.reconnectTimer);
      void this.open();
    }
    return connected;
  }

  /** Closes the connection and stops reconnecting. Queued messages and pending requests fail. */
  close(): void {
    this.stopped = true;
    this.attemptId += 1;
    clearTimeout(this.reconnectTimer);
    const closed = new ConnectionError('WS_CLIENT_CLOSED', 'the client was closed', {
      closeCode: 1000,
      closeReason: 'client closed',
      willReconnect: false,
    });
    this.giveUp(closed);
    for (const queue of this.iterators) queue.close();
    this.iterators.clear();
    const socket = this.socket;
    if (socket) closeSocket(socket, 1000, 'client closed');
    if (socket || this.current !== 'disconnected') this.closed(1000, 'client closed', closed);
  }

  // ---- events ---------------------------------------------------------------------------------

  on<K extends keyof ClientLifecycleEvents>(event: K, listener: ClientLifecycleEvents[K]): this;
  on<E extends EventNames<S>>(event: E, listener: EventListener<S, E>): this;
  on(event: string, listener: (...args: never[]) => unknown): this {
    this.emitterFor(event).on(event, listener as AnyListener);
    return this;
  }

  once<K extends keyof ClientLifecycleEvents>(event: K, listener: ClientLifecycleEvents[K]): this;
  once<E extends EventNames<S>>(event: E, listener: EventListener<S, E>): this;
  once(event: string, listener: (...args: never[]) => unknown): this {
    this.emitterFor(event).once(event, listener as AnyListener);
    return this;
  }

  /** Removes `listener`, or every listener of `event` when none is given. */
  off<K extends keyof ClientLifecycleEvents>(event: K, listener?: ClientLifecycleEvents[K]): this;
  off<E extends EventNames<S>>(event: E, listener?: EventListener<S, E>): this;
  off(event: string, listener?: (...args: never[]) => unknown): this {
    this.emitterFor(event).off(event, listener as AnyListener | undefined);
    return this;
  }

  /**
   * Server events as an async iterable; ends when the loop breaks or on `close()`. Holds up to
   * `eventsBufferSize` events for a slow loop, then drops the oldest.
   */
  events(): AsyncIterable<ServerEvent<S>> {
    const queue = new AsyncQueue<ServerEvent<S>>();
    this.iterators.add(queue);
    return {
      [Symbol.asyncIterator]: () => {
        const iterator = queue[Symbol.asyncIterator]();
        return {
          next: () => iterator.next(),
          return: () => {
            this.iterators.delete(queue);
            return iterator.return?.() ?? Promise.resolve({ value: undefined, done: true });
          },
        };
      },
    };
  }

  // ---- sending --------------------------------------------------------------------------------

  /**
   * Sends an event without asking for an answer. While not connected it waits in the offline
   * queue (see `offlineQueue`); with the `error` overflow policy a full queue throws.
   */
  emit<E extends EventNames<C>>(event: E, ...args: EventArgs<C, E>): void {
    const frame = eventFrame(event, args[0]);
    if (this.current === 'connected') {
      this.sendFrame(frame);
      return;
    }
    this.queue.add({ frame, discard: (error) => this.report(error) });
  }

  /**
   * Sends an event and resolves with the gateway's ack payload. Rejects with a `RequestError`
   * carrying the gateway's error `code`, a `TimeoutError`, or a `HeraldError` with code
   * `WS_DISCONNECTED` if the connection dropped after sending. Made while not connected, the
   * request waits in the offline queue; its timeout runs from the call.
   */
  request<E extends EventNames<C>>(
    event: E,
    payload: EventPayload<C, E>,
    options: RequestOptions = {},
  ): Promise<EventResult<C, E>> {
    const timeout = options.timeout ?? this.options.requestTimeout ?? 10_000;
    return this.call(eventFrame(event, payload), timeout) as Promise<EventResult<C, E>>;
  }

  /**
   * In-band authentication (sent as soon as the socket is open) or token refresh; the token is
   * also used for later reconnects.
   */
  async authenticate(token: string, options: RequestOptions = {}): Promise<unknown> {
    await this.gate.socket();
    const result = await this.call(
      { type: 'auth', token },
      options.timeout ?? this.options.requestTimeout ?? 10_000,
    );
    this.token = token;
    return result;
  }

  // ---- channels -------------------------------------------------------------------------------

  /**
   * Subscribes to `channel`. The subscription is restored after every reconnect, and tried again
   * after a temporary refusal, until `unsubscribe()` or a refusal for good by the gateway. One
   * subscription per channel.
   */
  subscribe<P = unknown>(
    channel: string,
    handlers: SubscriptionHandlers<P> = {},
    options: SubscribeOptions = {},
  ): Subscription<P> {
    if (this.subscriptions.has(channel)) {
      throw new HeraldError('WS_DUPLICATE_SUBSCRIPTION', `already subscribed to '${channel}'`);
    }
    const subscription = new Subscription<P>(channel, this.subscriptionHost, handlers, options);
    this.subscriptions.set(channel, subscription);
    if (this.current === 'connected') void subscription.subscribe();
    return subscription;
  }

  // ---- connection lifecycle ---------------------------------------------------------------------

  private async open(): Promise<void> {
    const attempt = ++this.attemptId;
    this.gate.begin();
    this.setState('connecting');
    this.lifecycle.emit('connecting');
    let socket: WebSocket;
    try {
      const token = this.options.getToken ? await this.options.getToken() : this.token;
      const WebSocketImpl = await resolveWebSocket(this.options.WebSocket);
      if (attempt !== this.attemptId) return;
      const bearer = this.options.tokenTransport === 'subprotocol' && token !== undefined;
      const protocols = bearer
        ? [this.codec.subprotocol, 'bearer', token]
        : [this.codec.subprotocol];
      socket = new WebSocketImpl(buildUrl(this.url, bearer ? undefined : token), protocols);
    } catch (error) {
      if (attempt !== this.attemptId) return;
      this.report(error);
      this.closed(1006, `could not connect: ${errorMessage(error)}`);
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => this.gate.socketOpened();
    socket.onmessage = (event) => this.received(messageData(event.data));
    // Browsers give no detail; `ws` says why a handshake failed. A close always follows.
    socket.onerror = (event) => {
      const detail = (event as { message?: unknown }).message;
      this.report(
        new HeraldError('WS_DISCONNECTED', typeof detail === 'string' ? detail : 'WebSocket error'),
      );
    };
    socket.onclose = (event) => {
      if (socket === this.socket) this.closed(event.code, event.reason);
    };
  }

  /** The gateway accepted the session (`system` `connected`). */
  private accepted(): void {
    if (!this.gate.accept()) return;
    this.setState('connected');
    this.reconnect?.reset();
    this.shutdownNotice = undefined;
    this.heartbeat?.start();
    // Subscriptions first, then what was queued, then whatever `connected` listeners send.
    for (const subscription of this.subscriptions.values()) void subscription.subscribe();
    for (const message of this.queue.take()) this.sendQueued(message);
    this.lifecycle.emit('connected');
  }

  /** Gives up on the current attempt or socket without waiting for a close handshake. */
  private dropSocket(code: number, reason: string): void {
    if (this.socket) closeSocket(this.socket);
    else if (this.current !== 'connecting') return;
    this.attemptId += 1; // an attempt still getting its token stands down
    this.closed(code, reason);
  }

  /** The socket is gone (or never came): fail what it carried, then reconnect or stop. */
  private closed(code: number, reason: string, cause?: ConnectionError): void {
    this.heartbeat?.stop();
    this.socket = undefined;
    const delay = this.stopped ? undefined : this.reconnectDelay(code);
    const close = { closeCode: code, closeReason: reason, willReconnect: delay !== undefined };
    const error = this.gate.ended(close, cause);
    // Whether a request that went out was handled is unknown, whatever the gateway's reason.
    const lost = cause ?? new ConnectionError('WS_DISCONNECTED', error.message, close);
    for (const [id, pending] of this.pending) {
      if (!pending.sent) continue;
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(lost);
    }
    for (const subscription of this.subscriptions.values()) subscription.suspend();
    this.setState(delay === undefined ? 'disconnected' : 'reconnecting');
    this.lifecycle.emit('disconnected', { code, reason, willReconnect: close.willReconnect });
    if (delay === undefined) {
      this.stopped = true;
      this.giveUp(error);
      return;
    }
    const attempt = this.reconnect?.attempt ?? 0;
    this.lifecycle.emit('reconnecting', { attempt, delay });
    this.reconnectTimer = setTimeout(() => void this.open(), delay);
  }

  /** Milliseconds before reconnecting after a close with `code`, or undefined not to. */
  private reconnectDelay(code: number): number | undefined {
    const delay = this.reconnect?.delayAfter(code, {
      canRefreshToken: this.options.getToken !== undefined,
      shutdownWindow: this.shutdownNotice?.reconnectWithin,
    });
    if (delay !== 'exhausted') return delay;
    const { maxAttempts } = (this.reconnect as ReconnectPolicy).options;
    this.report(
      new HeraldError('WS_RECONNECT_FAILED', `gave up after ${maxAttempts} reconnect attempts`),
    );
    return undefined;
  }

  private setState(state: ClientState): void {
    this.current = state;
  }

  /** The client stopped for good: nothing may wait for a session that will not come. */
  private giveUp(error: ConnectionError): void {
    for (const message of this.queue.take()) message.discard(error);
    for (const id of [...this.pending.keys()]) this.settle(id, error);
    for (const subscription of this.subscriptions.values()) subscription.abandon(error);
  }

  // ---- frames ---------------------------------------------------------------------------------

  private sendFrame(frame: ClientFrame): void {
    this.socket?.send(this.codec.encode(frame));
  }

  private sendQueued(message: QueuedMessage): void {
    const id = message.frame.id;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (pending) pending.sent = true;
    this.sendFrame(message.frame);
  }

  /** Sends `frame` with a fresh id; resolves with the ack payload. */
  private call(frame: RequestFrame, timeout: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const withId = { ...frame, id };
      // Only application events wait in the offline queue; the rest is redone on connect.
      const message: QueuedMessage | undefined =
        withId.type === 'event'
          ? { frame: withId, discard: (error) => this.settle(id, error) }
          : undefined;
      const pending: Pending = {
        resolve,
        reject,
        sent: false,
        timer: setTimeout(() => {
          this.pending.delete(id);
          if (message) this.queue.remove(message);
          reject(new TimeoutError(`no answer to '${describe(frame)}' within ${timeout} ms`));
        }, timeout),
      };
      this.pending.set(id, pending);
      if (this.current === 'connected' || (frame.type === 'auth' && this.gate.awaitingSession)) {
        pending.sent = true;
        this.sendFrame(withId);
        return;
      }
      if (!message) {
        this.settle(id, new HeraldError('WS_DISCONNECTED', 'not connected'));
        return;
      }
      try {
        this.queue.add(message);
      } catch (error) {
        this.settle(id, error as HeraldError);
      }
    });
  }

  /** Ends a pending request with its answer (or `error`). */
  private settle(id: FrameId, outcome: { payload: unknown } | HeraldError): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (outcome instanceof HeraldError) pending.reject(outcome);
    else pending.resolve(outcome.payload);
  }

  private received(data: string | Uint8Array): void {
    this.heartbeat?.received();
    const result = parseServerFrame(this.codec, data);
    if (!result.ok) {
      this.report(
        new HeraldError(
          result.error.code,
          `invalid frame from the gateway: ${result.error.message}`,
          result.error.details,
        ),
      );
      return;
    }
    this.gate.received(result.frame);
    this.handle(result.frame);
  }

  private handle(frame: ServerFrame): void {
    switch (frame.type) {
      case 'pong':
        this.heartbeat?.pong();
        return;
      case 'ping':
        this.sendFrame({ type: 'pong' });
        return;
      case 'ack':
        this.settle(frame.id, { payload: frame.payload });
        return;
      case 'error': {
        const error = new RequestError(frame.code, frame.message, frame.details);
        if (frame.id !== undefined) this.settle(frame.id, error);
        else this.report(error);
        return;
      }
      case 'system':
        if (frame.event === 'connected') this.accepted();
        if (frame.event === 'shutdown') this.shutdownNotice = readShutdownNotice(frame.payload);
        if (frame.event === 'unsubscribed')
          this.subscriptions.get(readChannel(frame.payload))?.endedByServer();
        // In line with the channel's publications: the stream continues from a new position.
        if (frame.event === 'reset')
          this.subscriptions.get(readChannel(frame.payload))?.deliver(frame);
        return;
      case 'join':
      case 'leave':
        this.subscriptions.get(frame.channel)?.presenceEvent(frame);
        return;
      case 'event':
        if (frame.channel !== undefined) {
          const subscription = this.subscriptions.get(frame.channel);
          // A channel the server joined this connection to (no client subscription): a plain event.
          if (subscription) subscription.deliver(frame);
          else this.dispatch(frame.event, frame.payload);
        } else if (frame.id !== undefined) void this.answer(frame.id, frame.event, frame.payload);
        else this.dispatch(frame.event, frame.payload);
        return;
    }
  }

  private dispatch(event: string, payload: unknown): void {
    if (lifecycleEvents.has(event)) return;
    this.serverEvents.emit(event, payload);
    const item = { event, payload } as ServerEvent<S>;
    const bufferSize = this.options.eventsBufferSize ?? 1_000;
    for (const queue of this.iterators) {
      queue.push(item);
      if (queue.size > bufferSize) queue.dropOldest();
    }
  }

  /** A server→client request: the first listener's result is the ack, its throw the error. */
  private async answer(id: FrameId, event: string, payload: unknown): Promise<void> {
    const [first, ...others] = lifecycleEvents.has(event)
      ? []
      : this.serverEvents.listenersOf(event);
    if (!first) {
      this.sendFrame({
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
        this.report(error);
      }
    }
    try {
      this.sendFrame({ type: 'ack', id, payload: await first(payload) });
    } catch (error) {
      this.sendFrame({ type: 'error', id, code: 'WS_INTERNAL', message: errorMessage(error) });
    }
  }

  private emitterFor(event: string): Emitter<Record<string, AnyListener>> {
    return lifecycleEvents.has(event) ? this.lifecycle : this.serverEvents;
  }

  private report(error: unknown): void {
    this.lifecycle.emit('error', error instanceof Error ? error : new Error(errorMessage(error)));
  }
}

function eventFrame(event: string, payload: unknown): EventFrame {
  const frame: EventFrame = { type: 'event', event };
  if (payload !== undefined) frame.payload = payload;
  return frame;
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

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function readChannel(payload: unknown): string {
  const channel =
    typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>).channel
      : undefined;
  return typeof channel === 'string' ? channel : '';
}

function readShutdownNotice(payload: unknown): ShutdownNotice | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { reason, reconnectWithin } = payload as Record<string, unknown>;
  if (typeof reconnectWithin !== 'number' || reconnectWithin < 0) return undefined;
  return { reason: typeof reason === 'string' ? reason : '', reconnectWithin };
}
