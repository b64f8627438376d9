import {
  parseServerFrame,
  type ClientFrame,
  type ServerFrame,
  type ShutdownNotice,
} from '@herald/protocol';
import type { ClientSettings } from './defaults.js';
import { ConnectionError, HeraldError } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { errorMessage, type ClientState, type Lifecycle } from './lifecycle.js';
import { ReconnectPolicy } from './reconnect-policy.js';
import { SessionGate } from './session-gate.js';
import { HttpSocket } from './http-socket.js';
import { TransportChoice, type TransportName } from './transport-choice.js';
import { WebSocketProbe } from './websocket-probe.js';
import { buildUrl, closeSocket, messageData, resolveWebSocket } from './socket.js';

/** What the rest of the client does at the connection's turns. */
export interface ConnectionHooks {
  /** The gateway accepted a session: restore what rides on it, before `connected` is emitted. */
  accepted(): void;
  /** The socket is gone (or never came): `lost` fails what went out on it. */
  dropped(lost: ConnectionError): void;
  /** The client stopped for good: nothing may wait for a session that will not come. */
  stopped(error: ConnectionError): void;
  /** A frame for the application (answers, events, channel frames). */
  frame(frame: ServerFrame): void;
  report(error: unknown): void;
}

/**
 * The connection state machine: one socket at a time, from getting a token to the gateway
 * accepting the session (`ClientState`), the heartbeat on it, and after it closes, a reconnect
 * by the close-code table or a stop for good. It answers the frames that keep the connection
 * (ping, pong, `system` `connected` and `shutdown`) and hands the others on.
 */
export class Connection {
  readonly #url: string;
  readonly #settings: ClientSettings;
  readonly #lifecycle: Lifecycle;
  readonly #hooks: ConnectionHooks;
  readonly #gate: SessionGate;
  readonly #reconnect: ReconnectPolicy | undefined;
  readonly #heartbeat: Heartbeat | undefined;
  #token: string | undefined;
  #socket: WebSocket | undefined;
  #state: ClientState = 'disconnected';
  /** Bumped by `close()` and by each attempt, so that stale async steps and sockets stand down. */
  #attemptId = 0;
  #stopped = true;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #shutdownNotice: ShutdownNotice | undefined;
  readonly #transports: TransportChoice;
  /** The transport of the current socket. */
  #transport: TransportName = 'websocket';
  /** Tries a WebSocket again now and then while a fallback carries the session. */
  readonly #probe: WebSocketProbe | undefined;

  constructor(url: string, settings: ClientSettings, lifecycle: Lifecycle, hooks: ConnectionHooks) {
    this.#url = url;
    this.#settings = settings;
    this.#lifecycle = lifecycle;
    this.#hooks = hooks;
    this.#token = settings.token;
    this.#transports = new TransportChoice(settings.transports, settings.retryWebSocketAfter);
    if (settings.transports.includes('websocket')) {
      this.#probe = new WebSocketProbe(
        settings.retryWebSocketAfter,
        settings.transportTimeout,
        () => this.#socketFor('websocket'),
        () => this.#moveToWebSocket(),
      );
    }
    this.#gate = new SessionGate(settings.connectTimeout, () =>
      this.#dropSocket(1006, 'connect timeout'),
    );
    if (settings.reconnect) this.#reconnect = new ReconnectPolicy(settings.reconnect);
    if (settings.heartbeat) {
      this.#heartbeat = new Heartbeat(
        settings.heartbeat,
        () => this.send({ type: 'ping' }),
        () => this.#dropSocket(1006, 'heartbeat timeout'),
      );
    }
  }

  get state(): ClientState {
    return this.#state;
  }

  get isConnected(): boolean {
    return this.#state === 'connected';
  }

  /** The socket is open and the gateway has yet to accept the session (in-band auth may go). */
  get awaitingSession(): boolean {
    return this.#gate.awaitingSession;
  }

  get latency(): number | undefined {
    return this.#heartbeat?.latency;
  }

  get protocol(): string | undefined {
    return this.#socket?.protocol;
  }

  /** The transport of the current (or last) socket. */
  get transport(): TransportName {
    return this.#transport;
  }

  /** The token for later attempts (after an in-band `auth` succeeded). */
  useToken(token: string): void {
    this.#token = token;
  }

  /** Resolves once the socket being opened is open, at once when none is opening. */
  socketOpened(): Promise<void> {
    return this.#gate.socket();
  }

  /** See `HeraldClient.connect`. */
  connect(): Promise<void> {
    const connected = this.#gate.session();
    this.#stopped = false;
    if (this.#state === 'disconnected' || this.#state === 'reconnecting') {
      clearTimeout(this.#reconnectTimer);
      void this.#open();
    }
    return connected;
  }

  /** Closes the socket with 1000 and stops reconnecting; what waits fails with `WS_CLIENT_CLOSED`. */
  close(): void {
    this.#stopped = true;
    this.#attemptId += 1;
    clearTimeout(this.#reconnectTimer);
    const closed = new ConnectionError('WS_CLIENT_CLOSED', 'the client was closed', {
      closeCode: 1000,
      closeReason: 'client closed',
      willReconnect: false,
    });
    this.#hooks.stopped(closed);
    const socket = this.#socket;
    if (socket) closeSocket(socket, 1000, 'client closed');
    if (socket || this.#state !== 'disconnected') this.#closed(1000, 'client closed', closed);
  }

  send(frame: ClientFrame): void {
    this.#socket?.send(this.#settings.codec.encode(frame));
  }

  /**
   * Opens a socket over the attempt's transport. `fallingBack`: the previous transport of this
   * attempt could not open, and the next is tried at once.
   */
  async #open(fallingBack = false): Promise<void> {
    const attempt = ++this.#attemptId;
    if (!fallingBack) {
      this.#gate.begin();
      this.#transports.begin();
      this.#state = 'connecting';
      this.#lifecycle.emit('connecting');
    }
    const transport = this.#transports.current;
    let socket: WebSocket;
    try {
      socket = await this.#socketFor(transport);
    } catch (error) {
      if (attempt !== this.#attemptId) return;
      this.#hooks.report(error);
      this.#closed(1006, `could not connect: ${errorMessage(error)}`);
      return;
    }
    if (attempt !== this.#attemptId) {
      closeSocket(socket);
      return;
    }
    this.#socket = socket;
    this.#transport = transport;
    let opened = false;
    // A socket a proxy black-holes (or buffers) may never open nor fail: the next transport
    // gets its turn.
    const openTimer = this.#transports.hasFallback
      ? setTimeout(() => this.#fallBack(socket), this.#settings.transportTimeout)
      : undefined;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      opened = true;
      clearTimeout(openTimer);
      this.#gate.socketOpened();
    };
    socket.onmessage = (event) => this.#received(messageData(event.data));
    // Browsers give no detail; `ws` says why a handshake failed. A close always follows.
    socket.onerror = (event) => {
      const detail = (event as { message?: unknown }).message;
      this.#hooks.report(
        new HeraldError('WS_DISCONNECTED', typeof detail === 'string' ? detail : 'WebSocket error'),
      );
    };
    socket.onclose = (event) => {
      clearTimeout(openTimer);
      if (socket !== this.#socket) return;
      if (!opened && this.#fallBack(socket)) return;
      this.#closed(event.code, event.reason);
    };
  }

  /** A new socket over `transport`, with the token as the settings say it travels. */
  async #socketFor(transport: TransportName): Promise<WebSocket> {
    const { codec, getToken, tokenTransport } = this.#settings;
    const token = getToken ? await getToken() : this.#token;
    const bearer = tokenTransport === 'subprotocol' && token !== undefined;
    if (transport === 'websocket') {
      const WebSocketImpl = await resolveWebSocket(this.#settings.WebSocket);
      const protocols = bearer ? [codec.subprotocol, 'bearer', token] : [codec.subprotocol];
      return new WebSocketImpl(buildUrl(this.#url, bearer ? undefined : token), protocols);
    }
    // Over HTTP a token that stays out of the URL goes in the Authorization header.
    const headers: Record<string, string> = bearer ? { Authorization: `Bearer ${token}` } : {};
    const url = buildUrl(this.#url, bearer ? undefined : token, 'http');
    // HttpSocket has every part of the WebSocket interface this class uses.
    return new HttpSocket(url, transport, headers) as unknown as WebSocket;
  }

  /** A WebSocket opened again while on a fallback: the session moves over to one, at once. */
  #moveToWebSocket(): void {
    const socket = this.#socket;
    if (!socket || this.#state !== 'connected') return;
    this.#transports.worked('websocket');
    closeSocket(socket, 1000, 'moving to a WebSocket');
    this.#closed(1000, 'moving to a WebSocket', undefined, 0);
  }

  /** This attempt's socket could not open: tries the next transport; false when none is left. */
  #fallBack(socket: WebSocket): boolean {
    if (socket !== this.#socket || !this.#transports.fallBack()) return false;
    closeSocket(socket);
    this.#socket = undefined;
    void this.#open(true);
    return true;
  }

  #received(data: string | Uint8Array): void {
    this.#heartbeat?.received();
    const result = parseServerFrame(this.#settings.codec, data);
    if (!result.ok) {
      const { code, message, details } = result.error;
      this.#hooks.report(
        new HeraldError(code, `invalid frame from the gateway: ${message}`, details),
      );
      return;
    }
    const frame = result.frame;
    this.#gate.received(frame);
    if (frame.type === 'pong') this.#heartbeat?.pong();
    else if (frame.type === 'ping') this.send({ type: 'pong' });
    else if (frame.type === 'system' && frame.event === 'connected') this.#accepted();
    else if (frame.type === 'system' && frame.event === 'shutdown')
      this.#shutdownNotice = readShutdownNotice(frame.payload);
    else this.#hooks.frame(frame);
  }

  /** The gateway accepted the session (`system` `connected`). */
  #accepted(): void {
    if (!this.#gate.accept()) return;
    this.#transports.worked(this.#transport);
    if (this.#transport !== 'websocket') this.#probe?.start();
    this.#state = 'connected';
    this.#reconnect?.reset();
    this.#shutdownNotice = undefined;
    this.#heartbeat?.start();
    this.#hooks.accepted();
    this.#lifecycle.emit('connected');
  }

  /** Gives up on the current attempt or socket without waiting for a close handshake. */
  #dropSocket(code: number, reason: string): void {
    if (this.#socket) closeSocket(this.#socket);
    else if (this.#state !== 'connecting') return;
    this.#attemptId += 1; // an attempt still getting its token stands down
    this.#closed(code, reason);
  }

  /**
   * The socket is gone (or never came): fail what it carried, then reconnect (after `delay` ms
   * when given, else as the close code says) or stop.
   */
  #closed(code: number, reason: string, cause?: ConnectionError, delay?: number): void {
    this.#heartbeat?.stop();
    this.#probe?.stop();
    this.#socket = undefined;
    delay = this.#stopped ? undefined : (delay ?? this.#reconnectDelay(code));
    const close = { closeCode: code, closeReason: reason, willReconnect: delay !== undefined };
    const error = this.#gate.ended(close, cause);
    // Whether a request that went out was handled is unknown, whatever the gateway's reason.
    this.#hooks.dropped(cause ?? new ConnectionError('WS_DISCONNECTED', error.message, close));
    this.#state = delay === undefined ? 'disconnected' : 'reconnecting';
    this.#lifecycle.emit('disconnected', { code, reason, willReconnect: close.willReconnect });
    if (delay === undefined) {
      this.#stopped = true;
      this.#hooks.stopped(error);
      return;
    }
    const attempt = this.#reconnect?.attempt ?? 0;
    this.#lifecycle.emit('reconnecting', { attempt, delay });
    this.#reconnectTimer = setTimeout(() => void this.#open(), delay);
  }

  /** Milliseconds before reconnecting after a close with `code`, or undefined not to. */
  #reconnectDelay(code: number): number | undefined {
    if (!this.#reconnect) return undefined;
    const delay = this.#reconnect.delayAfter(code, {
      canRefreshToken: this.#settings.getToken !== undefined,
      shutdownWindow: this.#shutdownNotice?.reconnectWithin,
    });
    if (delay !== 'exhausted') return delay;
    const { maxAttempts } = this.#reconnect.options;
    this.#hooks.report(
      new HeraldError('WS_RECONNECT_FAILED', `gave up after ${maxAttempts} reconnect attempts`),
    );
    return undefined;
  }
}

function readShutdownNotice(payload: unknown): ShutdownNotice | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { reason, reconnectWithin } = payload as Record<string, unknown>;
  if (typeof reconnectWithin !== 'number' || reconnectWithin < 0) return undefined;
  return { reason: typeof reason === 'string' ? reason : '', reconnectWithin };
}
