import type { Codec, TraceContext } from '@herald/protocol';
import type { HeartbeatOptions } from './heartbeat.js';
import type { OfflineQueueOptions } from './offline-queue.js';
import type { ReconnectOptions } from './reconnect-policy.js';
import type { WebSocketConstructor } from './socket.js';
import type { TransportName } from './transport-choice.js';

/** Options of `HeraldClient`, all optional; `clientDefaults` holds the default of each. */
export interface HeraldClientOptions {
  /** Sent as `?token=` (or in the `bearer` subprotocol, see `tokenTransport`). */
  token?: string;
  /** Called before every connect and reconnect; wins over `token`. */
  getToken?: () => string | Promise<string>;
  /** `query` sends `?token=`; `subprotocol` offers `[codec, 'bearer', token]` in `Sec-WebSocket-Protocol`. */
  tokenTransport?: 'query' | 'subprotocol';
  /** JSON by default; `msgpackCodec` from `@herald/client/msgpack` for binary frames. */
  codec?: Codec;
  /** Connect from the constructor. */
  autoConnect?: boolean;
  /** Milliseconds for an attempt to get a session accepted by the gateway. */
  connectTimeout?: number;
  /** Default timeout in milliseconds of `request()` and of subscribe requests. */
  requestTimeout?: number;
  /** `false` disables reconnecting. */
  reconnect?: Partial<ReconnectOptions> | false;
  /** App-level ping: how often, and how long a silence means the connection is dead. `false` disables. */
  heartbeat?: Partial<HeartbeatOptions> | false;
  /** What `emit` and `request` made while not connected wait in. */
  offlineQueue?: Partial<OfflineQueueOptions>;
  /** Buffered events per `events()` iterator before the oldest is dropped. */
  eventsBufferSize?: number;
  /**
   * The transports to try, in order (docs/transports.md): a transport that cannot open (refused,
   * or a WebSocket not open within `transportTimeout`) hands over to the next. The HTTP fallbacks
   * carry JSON only: with a binary codec only `websocket` is tried.
   */
  transports?: readonly TransportName[];
  /** Milliseconds a WebSocket gets to open before the next transport is tried. */
  transportTimeout?: number;
  /** Milliseconds after a fallback transport worked before WebSocket is tried first again. */
  retryWebSocketAfter?: number;
  /** A WebSocket implementation; default the global one, else `ws`. */
  WebSocket?: WebSocketConstructor;
}

export interface RequestOptions {
  /** Milliseconds to wait for the ack; default the client's `requestTimeout`. */
  timeout?: number;
}

/** Options of what a client sends for the gateway to handle: `request()`, a subscription's `publish()`. */
export interface TraceOptions {
  /**
   * W3C trace context (`traceparent`, `tracestate`) sent in the frame's `meta`: the gateway's span
   * for it becomes a child of this one (docs/tracing.md). A malformed one is ignored.
   */
  meta?: TraceContext;
}
