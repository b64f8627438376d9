import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { AsyncQueue } from '../async-queue.js';
import { Backoff } from '../backoff.js';
import { Heartbeat } from '../heartbeat.js';
import { webSocketConfigFromEnv, type WebSocketConfig } from './config.js';
import {
  AuthenticationError,
  ConnectionClosedError,
  ConnectionFailedError,
  InvalidJsonError,
  MessageTooLargeError,
} from './errors.js';

/** A received message: text frames as strings, binary frames as bytes. */
export type Message = string | Uint8Array;

export interface WebSocketClientOptions {
  /** Extra handshake headers, such as `Authorization`. */
  headers?: Record<string, string>;
  subprotocols?: string[];
  /** Overrides of the settings read from the `WS_*` environment variables. */
  config?: Partial<WebSocketConfig>;
}

/** Close codes after which async iteration ends quietly instead of throwing. */
const normalClosure = new Set([1000, 1001]);

/**
 * A plain WebSocket client for external services (realtime AI APIs and the like), in Node:
 * handshake headers, ping frames, a bounded receive queue that pauses reading when full,
 * and `connect()` retries with backoff. For a fresh connection after each drop, see
 * `websocketConnect`.
 */
export class WebSocketClient implements AsyncIterable<Message> {
  readonly config: WebSocketConfig;
  private socket: WebSocket | undefined;
  private messages = new AsyncQueue<Message>();
  private heartbeat: Heartbeat | undefined;
  private closeError: ConnectionClosedError | MessageTooLargeError | undefined;
  private closedByUs = false;
  private settleClosed: (() => void) | undefined;
  /** Resolves when the current connection has closed, for whatever reason. */
  closed: Promise<void> = Promise.resolve();

  constructor(
    readonly url: string,
    private readonly options: WebSocketClientOptions = {},
  ) {
    this.config = { ...webSocketConfigFromEnv(), ...options.config };
  }

  get isConnected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Round-trip time in ms of the last ping frame, once one was answered. */
  get latency(): number | undefined {
    return this.heartbeat?.latency;
  }

  /** Whether the last connection was ended by `close()` rather than by the server or network. */
  get closedByClient(): boolean {
    return this.closedByUs;
  }

  /**
   * Opens the connection, retrying failures with backoff while `reconnectEnabled`, up to
   * `reconnectMaxAttempts` retries. An `AuthenticationError` is never retried.
   */
  async connect(): Promise<void> {
    const c = this.config;
    const backoff = new Backoff({
      initialDelay: c.reconnectBackoffBase * 1000,
      maxDelay: c.reconnectBackoffMax * 1000,
      factor: 2,
      maxAttempts: c.reconnectMaxAttempts,
      jitter: c.reconnectJitter * 1000,
    });
    for (;;) {
      try {
        await this.open();
        return;
      } catch (error) {
        if (error instanceof AuthenticationError || !c.reconnectEnabled) throw error;
        const delay = backoff.next();
        if (delay === undefined) {
          throw new ConnectionFailedError(
            `gave up after ${backoff.attempt + 1} attempts: ${(error as Error).message}`,
            {
              cause: error,
            },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Sends text or bytes; refuses a message larger than `maxMessageSize` without sending it. */
  async send(data: string | Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      throw this.closeError ?? new ConnectionClosedError(1006, 'not connected');
    }
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (size > this.config.maxMessageSize)
      throw new MessageTooLargeError(this.config.maxMessageSize, size);
    await new Promise<void>((resolve, reject) =>
      socket.send(data, (error) => (error ? reject(error) : resolve())),
    );
  }

  sendJson(value: unknown): Promise<void> {
    return this.send(JSON.stringify(value));
  }

  /** The next message; throws `ConnectionClosedError` (or `MessageTooLargeError`) once closed and drained. */
  async recv(): Promise<Message> {
    const result = await this.messages.next();
    if (result.done) throw this.closeError ?? new ConnectionClosedError(1006, 'not connected');
    return result.value;
  }

  /** The next message parsed as JSON; throws `InvalidJsonError` if it is not JSON. */
  async recvJson<T = unknown>(): Promise<T> {
    const message = await this.recv();
    const text = typeof message === 'string' ? message : Buffer.from(message).toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new InvalidJsonError(text, error);
    }
  }

  /** Closes with `code` and waits up to `closeTimeout` for the server's close frame, then drops the socket. */
  async close(code = 1000, reason = ''): Promise<void> {
    const socket = this.socket;
    this.closedByUs = true;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    socket.close(code, reason);
    const timer = setTimeout(() => socket.terminate(), this.config.closeTimeout * 1000);
    await this.closed;
    clearTimeout(timer);
  }

  /** Messages until the connection closes: ends after a normal close (1000, 1001), else throws. */
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return {
      next: async () => {
        const result = await this.messages.next();
        if (!result.done) return result;
        const error = this.closeError;
        if (error instanceof ConnectionClosedError && normalClosure.has(error.code)) return result;
        throw error ?? new ConnectionClosedError(1006, 'not connected');
      },
    };
  }

  private open(): Promise<void> {
    const c = this.config;
    this.closedByUs = false;
    this.closeError = undefined;
    this.messages = new AsyncQueue<Message>();
    this.closed = new Promise((resolve) => (this.settleClosed = resolve));
    const socket = new WebSocket(this.url, this.options.subprotocols ?? [], {
      headers: this.options.headers,
      maxPayload: c.maxMessageSize,
      handshakeTimeout: c.openTimeout * 1000,
    });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      socket.once('unexpected-response', (request, response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        request.destroy();
        this.settleClosed?.();
        reject(
          status === 401 || status === 403
            ? new AuthenticationError(
                status,
                `the server refused the handshake with HTTP ${status}`,
              )
            : new ConnectionFailedError(`the server answered the handshake with HTTP ${status}`),
        );
      });
      socket.on('error', (error: Error & { code?: string }) => {
        if (socket.readyState === WebSocket.CONNECTING)
          reject(new ConnectionFailedError(error.message, { cause: error }));
        else if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
          this.closeError = new MessageTooLargeError(c.maxMessageSize);
      });
      socket.once('open', () => {
        this.watch(socket);
        resolve();
      });
      socket.once('close', (code, reason) => {
        reject(new ConnectionFailedError(`closed during the handshake (${code})`));
        this.heartbeat?.stop();
        if (code === 1009) this.closeError ??= new MessageTooLargeError(c.maxMessageSize);
        this.closeError ??= new ConnectionClosedError(code, reason.toString('utf8'));
        this.messages.close();
        this.settleClosed?.();
      });
    });
  }

  private watch(socket: WebSocket): void {
    const c = this.config;
    const limit = c.maxQueueSize;
    socket.on('message', (data: Buffer, isBinary) => {
      this.messages.push(isBinary ? new Uint8Array(data) : data.toString('utf8'));
      // Backpressure: stop reading from the network until the application catches up.
      if (limit > 0 && this.messages.size >= limit) socket.pause();
    });
    this.messages.onTake = () => {
      if (socket.isPaused && this.messages.size < limit) socket.resume();
    };
    if (c.pingInterval === null) return;
    this.heartbeat = new Heartbeat(
      { interval: c.pingInterval * 1000, timeout: c.pingTimeout * 1000 },
      () => socket.ping(),
      () => socket.terminate(),
    );
    socket.on('pong', () => {
      this.heartbeat?.received();
      this.heartbeat?.pong();
    });
    this.heartbeat.start();
  }
}
