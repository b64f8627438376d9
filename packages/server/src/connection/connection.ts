import type { IncomingHttpHeaders } from 'node:http';
import type { TransportName } from '../transport/framing.js';
import type { Codec } from '@herald/protocol';
import type { Identity } from './identity.js';

export interface RequestOptions {
  /** Milliseconds to wait for the client's ack. Default 10 s. */
  timeout?: number;
}

/** Why a connection ended, as seen by `onDisconnect`. */
export interface DisconnectReason {
  code: number;
  reason: string;
}

/**
 * One client connected to a namespace, as handlers, hooks, guards and middleware see it. The
 * gateway's own side of the connection (delivery, answers, heartbeats) is not part of it.
 */
export interface Connection {
  /** Random, unique across nodes. */
  readonly id: string;
  /** The pattern of the namespace it connected through (`/chat/:room`). */
  readonly namespace: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The client's address, through trusted proxies (see `trustProxy`). */
  /** How the client is connected: `websocket`, or an HTTP fallback (`sse`, `http-stream`). */
  readonly transport: TransportName;
  readonly remoteAddress: string;
  /** The codec negotiated by subprotocol. */
  readonly codec: Codec;
  readonly connectedAt: number;
  /** Who is connected; anonymous until authenticated. Changed only by the gateway (auth, refresh). */
  readonly identity: Identity;
  /** Application state for this connection; Herald never reads it. */
  state: Record<string, unknown>;
  /** The channels it is in (client-visible names). */
  readonly channels: ReadonlySet<string>;
  /** True from the handshake until a close starts. */
  readonly isOpen: boolean;
  /** Bytes waiting to be written to this client. */
  readonly bufferedBytes: number;

  /** Sends a server event to this client. */
  send(event: string, payload?: unknown): void;
  /** Sends an event the client must answer with an ack; resolves with the ack's payload. */
  request(event: string, payload?: unknown, options?: RequestOptions): Promise<unknown>;
  /**
   * Adds this connection to a channel; resolves once it receives the channel's publications.
   * `info` is shown in the channel's presence when its policy tracks presence. Rejects with
   * `WS_UNAVAILABLE` when the broker is away, and the connection is then not in the channel.
   */
  join(channel: string, info?: unknown): Promise<void>;
  leave(channel: string): Promise<void>;
  leaveAll(): Promise<void>;
  /**
   * Closes once every request already accepted from the client is answered (or the namespace's
   * `closeTimeout` has passed), after writing what is queued.
   */
  close(code?: number, reason?: string): void;
  /** Drops the socket at once, without a close handshake. */
  terminate(): void;
}
