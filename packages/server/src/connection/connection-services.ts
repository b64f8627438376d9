import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Codec, ClientEventFrame } from '@herald/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import type { NamespaceOptions } from '../options.js';
import type { FlushScheduler } from '../transport/flush-scheduler.js';
import type { ConnectionIndex } from './connection-index.js';
import type { SocketConnection } from './socket-connection.js';
import type { StatsCounter } from './stats.js';

/** What a socket connection is made with and uses: its namespace, its gateway's services. */

/** What a connection uses of the namespace (the endpoint) it connected through. */
export interface NamespaceEndpoint {
  readonly pattern: { readonly source: string };
  readonly options: NamespaceOptions;
  /** Runs a client event through the namespace's guards, middleware and handler. */
  handleEvent(connection: SocketConnection, frame: ClientEventFrame): Promise<void>;
  /** Runs the subscribe hooks of a client's subscribe request; throws its refusal. */
  subscribing(connection: SocketConnection, channel: string): Promise<void>;
  /** Runs the unsubscribe hooks after a client's unsubscribe request left `channel`. */
  unsubscribed(connection: SocketConnection, channel: string): Promise<void>;
}

/** What a connection uses of its gateway (a part of the gateway's context). */
export interface ConnectionServices {
  readonly logger: Logger;
  /** Where security events are recorded (refusals, refreshes, kicks). */
  readonly audit: AuditLog;
  readonly stats: StatsCounter;
  readonly registry: ChannelRegistry;
  readonly scheduler: FlushScheduler;
  /** Presence and join/leave events for channels joined and left. */
  readonly channels: {
    joined(connection: SocketConnection, channel: string, info: unknown): Promise<void>;
    left(connection: SocketConnection, channel: string): Promise<void>;
  };
  /** Whether channel names are scoped per tenant (see channel-names.ts). */
  readonly tenantIsolation: boolean;
  /** How deeply payloads may nest (the `maxPayloadDepth` option). */
  readonly maxPayloadDepth: number;
  /** This node's open connections by id, user and tenant (targeted sends). */
  readonly index: ConnectionIndex<SocketConnection>;
}

export interface ConnectionInit {
  id: string;
  ws: WebSocket;
  socket: Duplex;
  endpoint: NamespaceEndpoint;
  codec: Codec;
  deflateFrom: number | undefined;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  context: ConnectionServices;
}
