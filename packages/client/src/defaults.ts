import { jsonCodec, type Codec } from '@herald/protocol';
import type { HeartbeatOptions } from './heartbeat.js';
import type { OfflineQueueOptions } from './offline-queue.js';
import type { HeraldClientOptions } from './options.js';
import type { ReconnectOptions } from './reconnect-policy.js';
import type { WebSocketConstructor } from './socket.js';

/** The defaults of the `HeraldClientOptions` that have one. */
export interface ClientDefaults {
  readonly tokenTransport: 'query' | 'subprotocol';
  readonly codec: Codec;
  readonly autoConnect: boolean;
  readonly connectTimeout: number;
  readonly requestTimeout: number;
  readonly reconnect: Readonly<ReconnectOptions>;
  readonly heartbeat: Readonly<HeartbeatOptions>;
  readonly offlineQueue: Readonly<OfflineQueueOptions>;
  readonly eventsBufferSize: number;
}

/**
 * Every default of the client's options, in one place (`docs/client.md` lists the same values;
 * a test holds the two together). Frozen: change an option per client, not here.
 */
export const clientDefaults: ClientDefaults = Object.freeze({
  tokenTransport: 'query',
  codec: jsonCodec,
  autoConnect: true,
  connectTimeout: 10_000,
  requestTimeout: 10_000,
  reconnect: Object.freeze({
    initialDelay: 500,
    maxDelay: 20_000,
    factor: 2,
    maxAttempts: 0,
    shutdownJitter: 2_000,
  }),
  heartbeat: Object.freeze({ interval: 25_000, timeout: 10_000 }),
  offlineQueue: Object.freeze({ maxSize: 100, overflow: 'drop-oldest' }),
  eventsBufferSize: 1_000,
});

/** The options with every default applied, as the client's parts read them. */
export interface ClientSettings {
  token: string | undefined;
  getToken: (() => string | Promise<string>) | undefined;
  tokenTransport: 'query' | 'subprotocol';
  codec: Codec;
  autoConnect: boolean;
  connectTimeout: number;
  requestTimeout: number;
  /** `false`: no reconnecting. */
  reconnect: ReconnectOptions | false;
  /** The reconnect delays, also when reconnecting is off: subscriptions retry with them. */
  retryDelays: ReconnectOptions;
  heartbeat: HeartbeatOptions | false;
  offlineQueue: OfflineQueueOptions;
  eventsBufferSize: number;
  WebSocket: WebSocketConstructor | undefined;
}

/** Applies `clientDefaults` to `options`, once, when a client is made. */
export function withDefaults(options: HeraldClientOptions): ClientSettings {
  const d = clientDefaults;
  const retryDelays = { ...d.reconnect, ...(options.reconnect || {}) };
  return {
    token: options.token,
    getToken: options.getToken,
    tokenTransport: options.tokenTransport ?? d.tokenTransport,
    codec: options.codec ?? d.codec,
    autoConnect: options.autoConnect ?? d.autoConnect,
    connectTimeout: options.connectTimeout ?? d.connectTimeout,
    requestTimeout: options.requestTimeout ?? d.requestTimeout,
    reconnect: options.reconnect === false ? false : retryDelays,
    retryDelays,
    heartbeat: options.heartbeat === false ? false : { ...d.heartbeat, ...options.heartbeat },
    offlineQueue: { ...d.offlineQueue, ...options.offlineQueue },
    eventsBufferSize: options.eventsBufferSize ?? d.eventsBufferSize,
    WebSocket: options.WebSocket,
  };
}
