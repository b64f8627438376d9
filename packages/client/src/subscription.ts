import type {
  ChannelRequestFrame,
  HistoryFrame,
  HistoryResult,
  PresenceClient,
  PresenceEventFrame,
  PresenceStats,
  PublicationMeta,
  PublishFrame,
  StreamPosition,
  SubscribeFrame,
} from '@herald/protocol';
import type { Backoff } from './backoff.js';
import { Emitter } from './emitter.js';
import { HeraldError, RequestError } from './errors.js';
import { readStreamReset } from './stream-reset.js';
import type { TraceOptions } from './options.js';

/** One message published on a channel. */
export interface Publication<P = unknown> {
  channel: string;
  event: string;
  payload: P;
  meta: PublicationMeta;
}

/**
 * Told on every (re)subscription, and when the channel's stream restarted (`reset`). With
 * `resubscribed` and not `recovered`, publications were missed: reload what they build up.
 */
export interface SubscribedContext {
  /** True when this subscription was subscribed before (restored after a reconnect, or reset). */
  resubscribed: boolean;
  /** True when the gateway replayed everything missed since `position` (channels with history). */
  recovered: boolean;
  /** The stream position after the subscription, when the channel keeps history. */
  position: StreamPosition | undefined;
  /**
   * True when the stream restarted while subscribed (a new epoch: its history was lost) or the
   * gateway missed publications it could not read back; `recovered` is then false.
   */
  reset: boolean;
}

export interface SubscriptionEvents<P> {
  publication: (publication: Publication<P>) => void;
  subscribed: (context: SubscribedContext) => void;
  /**
   * A (re)subscription failed. With `error.temporary` (the gateway refused it for now, e.g.
   * `WS_UNAVAILABLE` while its broker is away) it is tried again with backoff; a refusal for
   * good (`WS_FORBIDDEN`, `WS_NOT_FOUND`, …) ends it.
   */
  error: (error: HeraldError) => void;
  /** Ended by `unsubscribe()`, or by the server (`byServer`). */
  unsubscribed: (context: { byServer: boolean }) => void;
  /** Someone subscribed (channels with join/leave events). */
  join: (client: PresenceClient) => void;
  leave: (client: PresenceClient) => void;
}

export interface SubscribeOptions {
  /** Shown to others in the channel's presence. */
  info?: Record<string, unknown>;
  /** A subscription token, or a function called for a fresh one on every (re)subscription. */
  token?: string | (() => string | Promise<string>);
}

/** History reads: forward after `since`, or with `reverse` before it, newest first. */
export interface HistoryOptions {
  since?: StreamPosition;
  limit?: number;
  reverse?: boolean;
}

export type SubscriptionHandlers<P> = {
  [K in keyof SubscriptionEvents<P>]?: SubscriptionEvents<P>[K];
};

/**
 * - `subscribing`: waiting for the gateway's answer, for a connection to ask on, or for the next
 *   try after a temporary refusal;
 * - `subscribed`: publications flow;
 * - `unsubscribed`: ended by `unsubscribe()` or refused for good by the gateway; never restored.
 */
export type SubscriptionState = 'subscribing' | 'subscribed' | 'unsubscribed';

/** What the client drives in a subscription, whatever its publication type. */
export interface SubscriptionControl {
  readonly channel: string;
  subscribe(): Promise<void>;
  suspend(): void;
  deliver(publication: unknown): void;
  presenceEvent(frame: PresenceEventFrame): void;
  /** The server ended the subscription (`system` `unsubscribed`). */
  endedByServer(): void;
  /** The client stopped connecting: a `ready` still pending rejects with `error`. */
  abandon(error: HeraldError): void;
}

/** What a subscription needs from its client. */
export interface SubscriptionHost {
  isConnected(): boolean;
  /** Sends `frame` with a fresh id and resolves with the ack payload. */
  call(frame: ChannelRequestFrame): Promise<unknown>;
  forget(subscription: SubscriptionControl): void;
  /** The delays between tries after temporary refusals, for one subscription. */
  retryBackoff(): Backoff;
}

interface SubscribeAck {
  recovered: boolean;
  position: StreamPosition | undefined;
  publications: unknown[];
}

/**
 * A channel subscription. The client restores it after every reconnect, asking with `since`
 * for what was missed when the channel keeps history (the ack then says `recovered` and
 * carries the missed publications, which are delivered before live ones).
 */
export class Subscription<P = unknown> implements SubscriptionControl {
  private readonly emitter = new Emitter<SubscriptionEvents<P>>();
  private current: SubscriptionState = 'subscribing';
  private subscribedOnce = false;
  /** Live publications received while the subscribe ack is still being handled. */
  private held: unknown[] = [];
  private settleReady: { resolve: () => void; reject: (error: HeraldError) => void } | undefined;
  private readonly retries: Backoff;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Resolves on the first successful subscription; rejects if the gateway refuses it for good,
   * or if the client stops connecting before then (with the `ConnectionError` of `connect()`).
   * Temporary refusals do not settle it: it waits for a later try to succeed.
   */
  readonly ready: Promise<void>;
  /** The last stream position seen; sent as `since` when the subscription is restored. */
  position: StreamPosition | undefined;

  constructor(
    readonly channel: string,
    private readonly host: SubscriptionHost,
    handlers: SubscriptionHandlers<P> = {},
    private readonly options: SubscribeOptions = {},
  ) {
    this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.retries = host.retryBackoff();
    // Awaiting `ready` is optional; an unobserved refusal is reported through `error` instead.
    this.ready.catch(() => undefined);
    for (const [event, handler] of Object.entries(handlers)) {
      if (handler) this.emitter.on(event as keyof SubscriptionEvents<P>, handler);
    }
  }

  get state(): SubscriptionState {
    return this.current;
  }

  on<K extends keyof SubscriptionEvents<P>>(event: K, listener: SubscriptionEvents<P>[K]): this {
    this.emitter.on(event, listener);
    return this;
  }

  once<K extends keyof SubscriptionEvents<P>>(event: K, listener: SubscriptionEvents<P>[K]): this {
    this.emitter.once(event, listener);
    return this;
  }

  off<K extends keyof SubscriptionEvents<P>>(event: K, listener?: SubscriptionEvents<P>[K]): this {
    this.emitter.off(event, listener);
    return this;
  }

  /** Stops the subscription here and at the gateway; it will not be restored. */
  unsubscribe(): void {
    if (this.current === 'unsubscribed') return;
    this.end();
    if (this.host.isConnected()) {
      // Nothing to do on failure: the connection is gone, and the subscription with it.
      this.host.call({ type: 'unsubscribe', channel: this.channel }).catch(() => undefined);
    }
    this.emitter.emit('unsubscribed', { byServer: false });
  }

  /** Publishes on this channel (where its policy lets clients publish); resolves with the position. */
  async publish(
    event: string,
    payload?: unknown,
    options: TraceOptions = {},
  ): Promise<Partial<StreamPosition>> {
    const frame: PublishFrame = { type: 'publish', channel: this.channel, event };
    if (payload !== undefined) frame.payload = payload;
    if (options.meta) frame.meta = options.meta;
    return (await this.host.call(frame)) as Partial<StreamPosition>;
  }

  /** Reads the channel's history (where its policy lets subscribers do so). */
  async history(options: HistoryOptions = {}): Promise<HistoryResult> {
    const frame: HistoryFrame = { type: 'history', channel: this.channel };
    if (options.since) frame.since = options.since;
    if (options.limit !== undefined) frame.limit = options.limit;
    if (options.reverse !== undefined) frame.reverse = options.reverse;
    return (await this.host.call(frame)) as HistoryResult;
  }

  async presence(): Promise<PresenceClient[]> {
    const result = (await this.host.call({ type: 'presence', channel: this.channel })) as {
      clients: PresenceClient[];
    };
    return result.clients;
  }

  async presenceStats(): Promise<PresenceStats> {
    return (await this.host.call({
      type: 'presenceStats',
      channel: this.channel,
    })) as PresenceStats;
  }

  /** Called by the client when a connection is open (first time and after each reconnect). */
  async subscribe(): Promise<void> {
    if (this.current === 'unsubscribed') return;
    this.cancelRetry();
    this.current = 'subscribing';
    const frame: SubscribeFrame = { type: 'subscribe', channel: this.channel };
    if (this.position) frame.since = this.position;
    if (this.options.info) frame.info = this.options.info;
    let ack: SubscribeAck;
    try {
      const { token } = this.options;
      if (token !== undefined) frame.token = typeof token === 'string' ? token : await token();
      ack = readSubscribeAck(await this.host.call(frame));
    } catch (error) {
      this.failed(error as HeraldError);
      return;
    }
    if (this.state === 'unsubscribed') return;
    for (const publication of ack.publications) this.accept(publication);
    if (ack.position) this.position = ack.position;
    this.current = 'subscribed';
    this.retries.reset();
    // Live publications that arrived with the ack, before this ran, follow the recovered ones.
    const held = this.held;
    this.held = [];
    for (const publication of held) this.accept(publication);
    const resubscribed = this.subscribedOnce;
    this.subscribedOnce = true;
    this.settleReady?.resolve();
    this.emitter.emit('subscribed', {
      resubscribed,
      recovered: ack.recovered,
      position: this.position,
      reset: false,
    });
  }

  /** Called by the client when the connection drops: the subscription waits to be restored. */
  suspend(): void {
    this.cancelRetry();
    if (this.current !== 'unsubscribed') this.current = 'subscribing';
    // What the dropped connection held back is asked for again with `since` on reconnect.
    this.held = [];
  }

  /**
   * Called by the client for each live publication on this channel, and each `system` `reset`
   * frame for it. Until the subscribe ack has been handled they wait, so that recovered
   * publications are delivered first.
   */
  deliver(publication: unknown): void {
    if (this.current === 'subscribing') this.held.push(publication);
    else this.accept(publication);
  }

  private accept(publication: unknown): void {
    if (this.current === 'unsubscribed' || !isRecord(publication)) return;
    const reset = readStreamReset(publication);
    if (reset) {
      this.restart(reset);
      return;
    }
    const meta = readMeta(publication.meta);
    if (typeof meta.offset === 'number') {
      const epoch = meta.epoch ?? this.position?.epoch ?? '';
      // Another epoch means the stream restarted, even where the gateway did not say so.
      if (this.position && this.position.epoch !== epoch)
        this.restart({ offset: meta.offset - 1, epoch });
      // A publication both recovered and received live is delivered once.
      if (this.position && this.position.epoch === epoch && meta.offset <= this.position.offset)
        return;
      this.position = { offset: meta.offset, epoch };
    }
    this.emitter.emit('publication', {
      channel: this.channel,
      event: String(publication.event),
      payload: publication.payload as P,
      meta,
    });
  }

  /** The stream continues from `position`: unless this subscription is there already, say so. */
  private restart(position: StreamPosition): void {
    const known = this.position;
    if (known && known.epoch === position.epoch && known.offset >= position.offset) return;
    this.position = position;
    this.emitter.emit('subscribed', {
      resubscribed: true,
      recovered: false,
      position,
      reset: true,
    });
  }

  presenceEvent(frame: PresenceEventFrame): void {
    if (this.current !== 'unsubscribed') this.emitter.emit(frame.type, frame.client);
  }

  endedByServer(): void {
    if (this.current === 'unsubscribed') return;
    this.end();
    this.emitter.emit('unsubscribed', { byServer: true });
  }

  abandon(error: HeraldError): void {
    this.cancelRetry();
    if (this.subscribedOnce || this.current === 'unsubscribed' || !this.settleReady) return;
    this.settleReady.reject(error);
    this.settleReady = undefined;
    this.emitter.emit('error', error);
  }

  private failed(error: HeraldError): void {
    // A dropped connection is not a refusal: the subscription is asked for again on reconnect.
    if (error.code === 'WS_DISCONNECTED' || error.code === 'WS_CLIENT_CLOSED') return;
    if (error.temporary) {
      // Refused for now (or no answer in time): asked again, from the same position, so that
      // the try that succeeds recovers what was missed meanwhile. `ready` waits for it.
      this.emitter.emit('error', error);
      this.retryLater();
      return;
    }
    if (error instanceof RequestError) {
      this.end();
      this.settleReady?.reject(error);
    }
    this.emitter.emit('error', error);
  }

  /** Tries again after the next backoff delay, while the connection lasts (a reconnect asks anyway). */
  private retryLater(): void {
    if (this.current === 'unsubscribed' || !this.host.isConnected()) return;
    const delay = this.retries.next() ?? 0;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.host.isConnected()) void this.subscribe();
    }, delay);
  }

  private cancelRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private end(): void {
    this.cancelRetry();
    this.current = 'unsubscribed';
    this.host.forget(this);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The subscribe ack: `{}` from a gateway without history, or the recovery fields. */
function readSubscribeAck(payload: unknown): SubscribeAck {
  const fields = isRecord(payload) ? payload : {};
  const { offset, epoch, recovered, publications } = fields;
  return {
    recovered: recovered === true,
    position:
      typeof offset === 'number' && typeof epoch === 'string' ? { offset, epoch } : undefined,
    publications: Array.isArray(publications) ? publications : [],
  };
}

function readMeta(value: unknown): PublicationMeta {
  const fields = isRecord(value) ? value : {};
  const meta: PublicationMeta = { ts: typeof fields.ts === 'number' ? fields.ts : Date.now() };
  if (typeof fields.offset === 'number') meta.offset = fields.offset;
  if (typeof fields.epoch === 'string') meta.epoch = fields.epoch;
  return meta;
}
