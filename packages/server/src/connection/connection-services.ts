import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { Codec, ClientEventFrame } from '@herald/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import type { NamespaceOptions } from '../options.js';
import type { ClientLink, FrameSink } from '../transport/client-link.js';
import type { FlushScheduler } from '../transport/flush-scheduler.js';
import type { Framing } from '../transport/framing.js';
import type { ConnectionIndex, Indexed } from './connection-index.js';
import type { StatsCounter } from './stats.js';

/**
 * What a socket connection is made with and uses: its namespace and its gateway's services. `C`
 * is the connection's own class (SocketConnection), named by the user of these interfaces so that
 * this module does not import it.
 */

/** What a connection uses of the namespace (the endpoint) it connected through. */
export interface NamespaceEndpoint<C> {
  readonly pattern: { readonly source: string };
  readonly options: NamespaceOptions;
  /** Runs a client event through the namespace's guards, middleware and handler. */
  handleEvent(connection: C, frame: ClientEventFrame): Promise<void>;
  /** Runs the subscribe hooks of a client's subscribe request; throws its refusal. */
  subscribing(connection: C, channel: string): Promise<void>;
  /** Runs the unsubscribe hooks after a client's unsubscribe request left `channel`. */
  unsubscribed(connection: C, channel: string): Promise<void>;
}

/** What a connection uses of its gateway (a part of the gateway's context). */
export interface ConnectionServices<C extends Indexed> {
  readonly logger: Logger;
  /** Where security events are recorded (refusals, refreshes, kicks). */
  readonly audit: AuditLog;
  readonly stats: StatsCounter;
  readonly registry: ChannelRegistry;
  readonly scheduler: FlushScheduler;
  /** Presence and join/leave events for channels joined and left. */
  readonly channels: {
    joined(connection: C, channel: string, info: unknown): Promise<void>;
    left(connection: C, channel: string): Promise<void>;
  };
  /** Whether channel names are scoped per tenant (see channel-names.ts). */
  readonly tenantIsolation: boolean;
  /** How deeply payloads may nest (the `maxPayloadDepth` option). */
  readonly maxPayloadDepth: number;
  /** This node's open connections by id, user and tenant (targeted sends). */
  readonly index: ConnectionIndex<C>;
}

export interface ConnectionInit<C extends Indexed> {
  id: string;
  /** The session that carries the connection: a WebSocket, or an HTTP fallback session. */
  link: ClientLink;
  sink: FrameSink;
  endpoint: NamespaceEndpoint<C>;
  codec: Codec;
  framing: Framing;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  context: ConnectionServices<C>;
}
