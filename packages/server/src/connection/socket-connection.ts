import type { IncomingHttpHeaders } from 'node:http';
import {
  CloseCodes,
  ErrorCodes,
  PendingRequests,
  type Codec,
  type FrameId,
  type ServerFrame,
} from '@herald/protocol';
import type { Subscriber } from '../channels/channel-registry.js';
import { scopeChannel } from '../channels/channel-names.js';
import type { ClientLink } from '../transport/client-link.js';
import { EncodedFrame } from '../transport/encoded-frame.js';
import type { Framing, TransportName } from '../transport/framing.js';
import { HeraldError } from '../errors.js';
import type { Connection, RequestOptions } from './connection.js';
import type {
  ConnectionInit,
  ConnectionServices,
  NamespaceEndpoint,
} from './connection-services.js';
import { anonymous, type Identity } from './identity.js';
import type { NamespaceStats } from './namespace-stats.js';
import { Outbound, type ErrorFields } from './outbound.js';
import { OwedAnswers, type OwedAnswer } from './owed-answers.js';
import { assertDeliverable } from '../validation/payload-guard.js';

const defaultRequestTimeout = 10_000;
/** After a 4009 close frame, how long a slow reader gets before the socket is destroyed. */
const slowConsumerGrace = 1_000;

function ackFrame(id: FrameId, payload: unknown): ServerFrame {
  return payload === undefined ? { type: 'ack', id } : { type: 'ack', id, payload };
}

/**
 * The gateway's side of one client socket on a namespace. Applications see it as a `Connection`;
 * the rest (delivery, answers, heartbeats, identity changes) is for the gateway's own modules.
 */
export class SocketConnection implements Connection, Subscriber {
  readonly id: string;
  readonly endpoint: NamespaceEndpoint<SocketConnection>;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string;
  readonly codec: Codec;
  /**
   * How frames are laid out for the client's transport: WebSocket frames (compressed from a
   * payload size when the client negotiated permessage-deflate on a namespace with compression),
   * or the text of an HTTP fallback transport.
   */
  readonly framing: Framing;
  readonly connectedAt = Date.now();
  /** Settles when the namespace's onConnect hooks have run; frames that need them wait for it. */
  ready: Promise<void> = settled;

  #identity: Identity = anonymous;
  /** The WebSocket, or HTTP fallback session, that carries the connection. */
  private readonly link: ClientLink;
  private readonly context: ConnectionServices<SocketConnection>;
  /** What goes to the client: encoded, queued, and stopped once the close frame went out. */
  readonly out: Outbound;
  /** The counters of this connection's namespace. */
  readonly counters: NamespaceStats;
  // What many connections never use is made on first use: an idle connection holds only what
  // it needs to be written to (see docs/performance.md).
  #state: Record<string, unknown> | undefined;
  #query: URLSearchParams | undefined;
  #joined: Set<string> | undefined;
  #pending: PendingRequests | undefined;
  #owed: OwedAnswers | undefined;
  #gone: { promise: Promise<void>; resolve: () => void } | undefined;
  #isGone = false;
  /** The heartbeat round whose ping is still unanswered; 0 when none is. */
  private unansweredPing = 0;
  /** The namespace's onConnect hooks ran without error: client requests may be handled. */
  private accepted = false;
  /** A close was asked for: no new work starts, but the requests already accepted are answered. */
  private closing = false;

  constructor(init: ConnectionInit<SocketConnection>) {
    this.id = init.id;
    this.link = init.link;
    this.endpoint = init.endpoint;
    this.codec = init.codec;
    this.framing = init.framing;
    // Most connections have neither path parameters nor a query: they share nothing-objects.
    this.params = Object.keys(init.params).length === 0 ? noParams : init.params;
    if (init.query.size > 0) this.#query = init.query;
    this.headers = init.headers;
    this.remoteAddress = init.remoteAddress;
    this.context = init.context;
    this.counters = init.context.stats.namespace(init.endpoint.pattern.source);
    this.out = new Outbound({
      sink: init.sink,
      codec: init.codec,
      framing: init.framing,
      backpressure: init.endpoint.options.backpressure,
      scheduler: init.context.scheduler,
      stats: this.counters,
      logger: init.context.logger,
      owner: this,
    });
  }

  get namespace(): string {
    return this.endpoint.pattern.source;
  }

  get transport(): TransportName {
    return this.framing.kind;
  }

  /** The handshake URL's query parameters. */
  get query(): URLSearchParams {
    return (this.#query ??= new URLSearchParams());
  }

  /** Application state for this connection; Herald never reads it. */
  get state(): Record<string, unknown> {
    return (this.#state ??= {});
  }

  set state(state: Record<string, unknown>) {
    this.#state = state;
  }

  /** Settles once the socket has closed and the connection has left everything. */
  get gone(): Promise<void> {
    if (this.#isGone) return settled;
    if (!this.#gone) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.#gone = { promise, resolve };
    }
    return this.#gone.promise;
  }

  get identity(): Identity {
    return this.#identity;
  }

  /**
   * The one way a connection's identity changes (authentication, in-band auth, refresh), so that
   * whatever indexes connections by identity can follow.
   */
  setIdentity(identity: Identity): void {
    const previous = this.#identity;
    this.#identity = identity;
    this.context.index.identityChanged(this, previous);
  }

  /** True from the handshake until a close starts. */
  get isOpen(): boolean {
    return !this.closing && this.link.readyState === this.link.OPEN;
  }

  /**
   * Whether a request already accepted from the client may still be handled: the namespace took
   * the connection, and its close frame has not gone out (it may be closing: see `close`).
   */
  get handlesRequests(): boolean {
    return this.accepted && !this.out.stopped;
  }

  /** The channels this connection is in. */
  get channels(): ReadonlySet<string> {
    return this.#joined ?? noChannels;
  }

  /** Bytes waiting to be written to this client. */
  get bufferedBytes(): number {
    return this.out.pendingBytes;
  }

  /** Sends a server event to this client. */
  send(event: string, payload?: unknown): void {
    this.out.frame({ type: 'event', event, payload }, true, this.endpoint.options.writeDelay);
  }

  /** Sends an event the client must answer with an ack; resolves with the ack's payload. */
  request(event: string, payload?: unknown, options: RequestOptions = {}): Promise<unknown> {
    if (!this.isOpen) {
      return Promise.reject(new HeraldError(ErrorCodes.WS_UNAVAILABLE, 'connection is closed'));
    }
    const timeout = options.timeout ?? defaultRequestTimeout;
    this.#pending ??= new PendingRequests({ idPrefix: 's' });
    return this.#pending.request({
      send: (id) => this.out.frame({ type: 'event', event, payload, id }, false),
      timeout,
      timeoutError: () =>
        new HeraldError(ErrorCodes.WS_TIMEOUT, `no ack for '${event}' within ${timeout} ms`),
    });
  }

  /**
   * Adds this connection to a channel; resolves once it receives the channel's publications.
   * `info` is shown in the channel's presence when its policy tracks presence; like a payload, it
   * must be deliverable to every codec (see `maxPayloadDepth`). Rejects with `WS_UNAVAILABLE`
   * when the broker is away, and the connection is then not in the channel.
   */
  async join(channel: string, info?: unknown): Promise<void> {
    assertDeliverable(info, this.context.maxPayloadDepth, 'info');
    this.#joined ??= new Set();
    if (this.closing || this.#joined.has(channel)) return;
    this.#joined.add(channel);
    this.counters.subscriptions += 1;
    try {
      await this.context.registry.add(this.internalChannel(channel), this);
      await this.context.channels.joined(this, channel, info);
    } catch (error) {
      // All or nothing: a join the broker refused leaves no subscription and no presence entry.
      await this.leave(channel);
      throw error;
    }
  }

  async leave(channel: string): Promise<void> {
    if (!this.#joined?.delete(channel)) return;
    this.counters.subscriptions -= 1;
    await this.context.registry.remove(this.internalChannel(channel), this);
    await this.context.channels.left(this, channel);
  }

  /** The gateway's name for `channel` as this connection sees it (scoped to its tenant under isolation). */
  internalChannel(channel: string): string {
    return scopeChannel(channel, this.context.tenantIsolation ? this.identity.tenant : undefined);
  }

  async leaveAll(): Promise<void> {
    await Promise.all([...this.channels].map((channel) => this.leave(channel)));
  }

  /**
   * Closes once every request already accepted from the client is answered, or the namespace's
   * `closeTimeout` has passed (those still open are then answered WS_UNAVAILABLE), after writing
   * what is queued: no answer is ever lost behind the close frame.
   */
  close(code: number = CloseCodes.NORMAL, reason = ''): void {
    if (this.closing) return;
    this.closing = true;
    const owed = this.#owed;
    if (!owed || owed.size === 0) {
      this.sendClose(code, reason);
      return;
    }
    void owed.settled(this.endpoint.options.closeTimeout).then(() => {
      for (const id of owed.takeAll()) this.replyError(id, closedBeforeAnswer);
      this.sendClose(code, reason);
    });
  }

  /** Drops the socket at once, without a close handshake. */
  terminate(): void {
    this.closing = true;
    this.out.stop(false);
    this.link.terminate();
  }

  // ---- used by the gateway ----------------------------------------------------------------------

  /**
   * Delivers a frame encoded once for all its recipients. A publication or server event may wait
   * its channel's `writeDelay`, or else the namespace's, to share a write; a system frame (a
   * stream reset) never waits.
   */
  deliver(frame: EncodedFrame): void {
    this.counters.deliveries += 1;
    const delay =
      frame.frame.type === 'system' ? 0 : (frame.writeDelay ?? this.endpoint.options.writeDelay);
    this.out.shared(frame, true, delay);
  }

  /**
   * Counts a request accepted from the client as owed an answer (see `close`); undefined when a
   * request with that id is still unanswered.
   */
  owe(id: FrameId): OwedAnswer | undefined {
    return (this.#owed ??= new OwedAnswers()).owe(id);
  }

  reply(id: FrameId | undefined, payload: unknown): void {
    if (id === undefined) return;
    this.out.frame(ackFrame(id, payload), false);
    this.#owed?.answer(id);
  }

  /**
   * Acks a client request once the outbound queue has room for the answer, so that an answer,
   * however large, never overflows it (see `sendWhenRoom`).
   */
  async answer(id: FrameId | undefined, payload: unknown): Promise<void> {
    if (id === undefined) return;
    const frame = new EncodedFrame(ackFrame(id, payload));
    // An answer its codec cannot carry throws, so that the caller answers with an error instead.
    this.out.assertEncodable(frame);
    await this.out.whenRoom(frame);
    this.#owed?.answer(id);
  }

  /** The bytes one answer should stay within: half the outbound queue. */
  get answerBudget(): number {
    return this.endpoint.options.backpressure.maxQueueBytes / 2;
  }

  /** Answers an accepted request (or reports a failure without `id`) with an error. */
  replyError(id: FrameId | undefined, error: ErrorFields): void {
    this.sendError(id, error);
    if (id !== undefined) this.#owed?.answer(id);
  }

  /** Refuses a frame before it was accepted: it answers that frame, not an open request with its id. */
  sendError(id: FrameId | undefined, error: ErrorFields): void {
    this.out.error(id, error);
  }

  /** Settles a server→client request with the client's ack or error frame. */
  settleRequest(id: FrameId, outcome: { payload: unknown } | { error: Error }): boolean {
    return this.#pending?.settle(id, outcome) ?? false;
  }

  /** Sends a ping (WebSocket, or `ping` frame over HTTP) for heartbeat `round`, unless an earlier one is still unanswered. */
  ping(round: number): void {
    if (this.unansweredPing !== 0 || !this.isOpen) return;
    this.unansweredPing = round;
    this.link.ping();
  }

  /** Terminates the connection if its ping of `round` (or an earlier one) is still unanswered. */
  checkPong(round: number): void {
    if (this.unansweredPing === 0 || this.unansweredPing > round) return;
    this.context.logger.debug({ connectionId: this.id }, 'no pong in time, terminating');
    this.terminate();
  }

  pongReceived(): void {
    this.unansweredPing = 0;
  }

  /** Releases everything the connection holds; called once when its socket has closed. */
  async dispose(): Promise<void> {
    this.closing = true;
    this.out.stop(false);
    this.#owed?.release();
    this.#pending?.rejectAll(new HeraldError(ErrorCodes.WS_UNAVAILABLE, 'connection closed'));
    await this.leaveAll();
  }

  /** Called by the gateway when the namespace's onConnect hooks have run without error. */
  markAccepted(): void {
    this.accepted = true;
  }

  /** Called by the gateway when the connection's disconnect hooks have run. */
  markGone(): void {
    this.#isGone = true;
    this.#gone?.resolve();
  }

  /**
   * Called by its outbound queue: the client cannot read its answers anyway, so it is closed at
   * once, without waiting for them.
   */
  closeSlowConsumer(): void {
    if (this.out.stopped) return;
    this.closing = true;
    this.out.stop(false);
    this.link.close(CloseCodes.SLOW_CONSUMER, 'slow consumer');
    setTimeout(() => this.link.terminate(), slowConsumerGrace).unref();
  }

  /** Writes what is queued, then the close frame; nothing can follow it. */
  private sendClose(code: number, reason: string): void {
    if (this.out.stopped) return;
    this.out.stop(true);
    this.link.close(code, reason);
  }
}

const settled = Promise.resolve();
const noChannels: ReadonlySet<string> = new Set();
const noParams: Readonly<Record<string, string>> = Object.freeze({});

const closedBeforeAnswer = {
  code: ErrorCodes.WS_UNAVAILABLE,
  message: 'the connection closed before this request was answered',
};
