import { jsonCodec, type Codec } from '@herald/protocol';
import type { HeartbeatOptions } from './heartbeat.js';
import type { OfflineQueueOptions } from './offline-queue.js';
import type { HeraldClientOptions } from './options.js';
import type { ReconnectOptions } from './reconnect-policy.js';
import type { WebSocketConstructor } from './socket.js';
import type { TransportName } from './transport-choice.js';

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
  readonly transports: readonly TransportName[];
  readonly transportTimeout: number;
  readonly retryWebSocketAfter: number;
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
  transports: Object.freeze(['websocket', 'sse', 'http-stream'] as const),
  transportTimeout: 5_000,
  retryWebSocketAfter: 300_000,
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
  /** The transports to try in order; only `websocket` with a binary codec. */
  transports: readonly TransportName[];
  transportTimeout: number;
  retryWebSocketAfter: number;
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
    transports: transportsFor(options.transports ?? d.transports, options.codec ?? d.codec),
    transportTimeout: options.transportTimeout ?? d.transportTimeout,
    retryWebSocketAfter: options.retryWebSocketAfter ?? d.retryWebSocketAfter,
    WebSocket: options.WebSocket,
  };
}

const knownTransports: readonly TransportName[] = ['websocket', 'sse', 'http-stream'];

/** The HTTP fallbacks carry text: a binary codec keeps to WebSocket. */
function transportsFor(transports: readonly TransportName[], codec: Codec): TransportName[] {
  if (transports.length === 0) throw new TypeError('transports: give at least one transport');
  for (const name of transports) {
    if (!knownTransports.includes(name))
      throw new TypeError(
        `transports: '${String(name)}' is not one of ${knownTransports.join(', ')}`,
      );
  }
  const usable = codec.binary ? transports.filter((name) => name === 'websocket') : transports;
  return usable.length > 0 ? [...usable] : ['websocket'];
}
