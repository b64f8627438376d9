import type { ClientEventFrame } from '@herald/protocol';
import { Connection } from './connection.js';
import { withDefaults, type ClientSettings } from './defaults.js';
import { Emitter } from './emitter.js';
import type {
  DefaultEvents,
  EventArgs,
  EventListener,
  EventNames,
  EventPayload,
  EventResult,
  EventsMap,
  ServerEvent,
} from './events.js';
import { routeInbound, type InboundTargets } from './inbound.js';
import {
  isLifecycleEvent,
  reportTo,
  type ClientLifecycleEvents,
  type ClientState,
} from './lifecycle.js';
import type { HeraldClientOptions, RequestOptions, TraceOptions } from './options.js';
import { retryBackoff } from './reconnect-policy.js';
import { Requests } from './requests.js';
import { ServerEvents, type AnyListener } from './server-events.js';
import type { Subscription, SubscribeOptions, SubscriptionHandlers } from './subscription.js';
import { Subscriptions } from './subscriptions.js';
import type { TransportName } from './transport-choice.js';

/**
 * The Herald client, for browsers and Node. `S` maps server→client events, `C` client→server
 * events (see `EventsMap`).
 */
export class HeraldClient<
  S extends EventsMap<S> = DefaultEvents,
  C extends EventsMap<C> = DefaultEvents,
> {
  // The parts: the connection state machine, the requests and offline queue, the channel
  // subscriptions and the application's events; `routeInbound` takes each frame to its part.
  readonly #settings: ClientSettings;
  readonly #lifecycle = new Emitter<ClientLifecycleEvents>();
  readonly #report = reportTo(this.#lifecycle);
  readonly #connection: Connection;
  readonly #requests: Requests;
  readonly #subscriptions: Subscriptions;
  readonly #serverEvents: ServerEvents<S>;
  readonly #inbound: InboundTargets;

  constructor(
    readonly url: string,
    options: HeraldClientOptions = {},
  ) {
    const settings = (this.#settings = withDefaults(options));
    const report = this.#report;
    this.#connection = new Connection(url, settings, this.#lifecycle, {
      accepted: () => {
        // Subscriptions first, then what was queued, then whatever `connected` listeners send.
        this.#subscriptions.restore();
        this.#requests.flush();
      },
      dropped: (lost) => {
        this.#requests.lost(lost);
        this.#subscriptions.suspend();
      },
      stopped: (error) => {
        this.#requests.giveUp(error);
        this.#subscriptions.abandon(error);
      },
      frame: (frame) => routeInbound(frame, this.#inbound),
      report,
    });
    const connection = this.#connection;
    this.#requests = new Requests(connection, settings.offlineQueue, report);
    this.#subscriptions = new Subscriptions({
      isConnected: () => connection.isConnected,
      call: (frame) => this.#requests.call(frame, settings.requestTimeout),
      retryBackoff: () => retryBackoff(settings.retryDelays),
    });
    this.#serverEvents = new ServerEvents<S>(
      settings.eventsBufferSize,
      (frame) => connection.send(frame),
      report,
    );
    this.#inbound = {
      requests: this.#requests,
      subscriptions: this.#subscriptions,
      serverEvents: this.#serverEvents,
      report,
    };
    if (settings.autoConnect) this.connect().catch(() => undefined);
  }

  get state(): ClientState {
    return this.#connection.state;
  }

  get isConnected(): boolean {
    return this.#connection.isConnected;
  }

  /** Round-trip time in ms of the last heartbeat ping, once one was answered. */
  get latency(): number | undefined {
    return this.#connection.latency;
  }

  /** The subprotocol the gateway chose, once connected. */
  get protocol(): string | undefined {
    return this.#connection.protocol;
  }

  /** The transport of the current (or last) session: `websocket`, `sse` or `http-stream`. */
  get transport(): TransportName {
    return this.#connection.transport;
  }

  /** Messages waiting in the offline queue. */
  get queued(): number {
    return this.#requests.queued;
  }

  /**
   * Connects (or reconnects at once if a backoff delay is running). Resolves once the gateway has
   * accepted the session; rejects with a `ConnectionError` if this attempt fails first (refused,
   * closed, `connectTimeout`, `close()`). `willReconnect` on it says whether the client goes on.
   */
  connect(): Promise<void> {
    return this.#connection.connect();
  }

  /** Closes the connection and stops reconnecting. Queued messages and pending requests fail. */
  close(): void {
    this.#serverEvents.endIterators();
    this.#connection.close();
  }

  // ---- events ---------------------------------------------------------------------------------

  on<K extends keyof ClientLifecycleEvents>(event: K, listener: ClientLifecycleEvents[K]): this;
  on<E extends EventNames<S>>(event: E, listener: EventListener<S, E>): this;
  on(event: string, listener: (...args: never[]) => unknown): this {
    if (isLifecycleEvent(event)) this.#lifecycle.on(event, listener as LifecycleListener);
    else this.#serverEvents.listeners.on(event, listener as AnyListener);
    return this;
  }

  once<K extends keyof ClientLifecycleEvents>(event: K, listener: ClientLifecycleEvents[K]): this;
  once<E extends EventNames<S>>(event: E, listener: EventListener<S, E>): this;
  once(event: string, listener: (...args: never[]) => unknown): this {
    if (isLifecycleEvent(event)) this.#lifecycle.once(event, listener as LifecycleListener);
    else this.#serverEvents.listeners.once(event, listener as AnyListener);
    return this;
  }

  /** Removes `listener`, or every listener of `event` when none is given. */
  off<K extends keyof ClientLifecycleEvents>(event: K, listener?: ClientLifecycleEvents[K]): this;
  off<E extends EventNames<S>>(event: E, listener?: EventListener<S, E>): this;
  off(event: string, listener?: (...args: never[]) => unknown): this {
    if (isLifecycleEvent(event)) this.#lifecycle.off(event, listener as LifecycleListener);
    else this.#serverEvents.listeners.off(event, listener as AnyListener | undefined);
    return this;
  }

  /**
   * Server events as an async iterable; ends when the loop breaks or on `close()`. Holds up to
   * `eventsBufferSize` events for a slow loop, then drops the oldest.
   */
  events(): AsyncIterable<ServerEvent<S>> {
    return this.#serverEvents.events();
  }

  // ---- sending --------------------------------------------------------------------------------

  /**
   * Sends an event without asking for an answer. While not connected it waits in the offline
   * queue (see `offlineQueue`); with the `error` overflow policy a full queue throws.
   */
  emit<E extends EventNames<C>>(event: E, ...args: EventArgs<C, E>): void {
    this.#requests.emit(eventFrame(event, args[0]));
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
    options: RequestOptions & TraceOptions = {},
  ): Promise<EventResult<C, E>> {
    const timeout = options.timeout ?? this.#settings.requestTimeout;
    const frame = eventFrame(event, payload);
    if (options.meta) frame.meta = options.meta;
    return this.#requests.call(frame, timeout) as Promise<EventResult<C, E>>;
  }

  /**
   * In-band authentication (sent as soon as the socket is open) or token refresh; the token is
   * also used for later reconnects.
   */
  async authenticate(token: string, options: RequestOptions = {}): Promise<unknown> {
    await this.#connection.socketOpened();
    const timeout = options.timeout ?? this.#settings.requestTimeout;
    const result = await this.#requests.call({ type: 'auth', token }, timeout);
    this.#connection.useToken(token);
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
    return this.#subscriptions.add(channel, handlers, options);
  }
}

type LifecycleListener = ClientLifecycleEvents[keyof ClientLifecycleEvents];

function eventFrame(event: string, payload: unknown): ClientEventFrame {
  const frame: ClientEventFrame = { type: 'event', event };
  if (payload !== undefined) frame.payload = payload;
  return frame;
}
