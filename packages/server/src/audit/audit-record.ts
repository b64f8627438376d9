import type { IncomingHttpHeaders } from 'node:http';

/**
 * What the gateway records (docs/audit.md). Names are stable: tools filter on them.
 * - `auth.failed`: a token refused, or none given where one is required (handshake, `auth` frame,
 *   refresh, the HTTP API's key)
 * - `connection.forbidden`: authenticated but refused by scopes, tenant or a handshake guard
 * - `origin.refused`: a handshake from an origin not allowed
 * - `limit.refused`: a connection, subscription or channel limit reached
 * - `rate_limit.refused`: too many messages or connection attempts
 * - `subscribe.forbidden`, `publish.forbidden`, `history.forbidden`, `presence.forbidden`: a
 *   client request on a channel refused by its policy, a guard or a subscription token
 * - `token.refreshed`: an `auth` frame renewed a live connection's credentials
 * - `connection.kicked`: the server closed a connection (`gateway.disconnect`, the HTTP API)
 * - `api.<endpoint>`: a request to the HTTP API reached an endpoint (`api.publish`, `api.stats`)
 * - `app.<name>`: an application's own record, written with `gateway.audit.record`
 */
export type AuditAction =
  | 'auth.failed'
  | 'connection.forbidden'
  | 'origin.refused'
  | 'limit.refused'
  | 'rate_limit.refused'
  | 'subscribe.forbidden'
  | 'publish.forbidden'
  | 'history.forbidden'
  | 'presence.forbidden'
  | 'token.refreshed'
  | 'connection.kicked'
  | `api.${string}`
  | `app.${string}`;

/** The fields of a record besides its action and time; each is present only when known. */
export interface AuditFields {
  /** The refusal's error code (`WS_AUTH_FAILED`, ...), or the close code's meaning. */
  code?: string;
  /** Why, as the client was told (no token ever appears here). */
  reason?: string;
  /** Where a refusal happened: `handshake`, `auth` (an auth frame), `refresh`, `api`. */
  via?: string;
  connectionId?: string;
  userId?: string;
  tenant?: string;
  /** The namespace pattern the connection came through. */
  namespace?: string;
  channel?: string;
  /** Which limit: `connections`, `messages`, `connection_attempts`, `subscriptions`, `subscribers`. */
  limit?: string;
  /** The WebSocket close code a kicked connection was closed with. */
  closeCode?: number;
  /** When refreshed credentials end (ISO time). */
  expiresAt?: string;
  /** Who called the HTTP API: `api-key`, `jwt:<sub>` for an admin token, or `anonymous` on an open API. */
  actor?: string;
  method?: string;
  path?: string;
  /** The HTTP API's answer status. */
  status?: number;
  /** The client's address, through trusted proxies (`trustProxy`). */
  ip?: string;
  origin?: string;
  userAgent?: string;
}

/** One audit record as written: the action and its fields (the time is added on writing). */
export interface AuditRecord extends AuditFields {
  action: AuditAction;
}

/** What a connection tells about who is on the other end; `SocketConnection` is one. */
export interface AuditSubject {
  readonly id: string;
  readonly namespace: string;
  readonly remoteAddress: string;
  readonly headers: IncomingHttpHeaders;
  readonly identity: { readonly userId?: string; readonly tenant?: string };
}

/** Where a request came from: its client address (already resolved) and, when sent, origin and user agent. */
export function sourceFields(headers: IncomingHttpHeaders, ip: string): AuditFields {
  const fields: AuditFields = { ip };
  if (headers.origin !== undefined) fields.origin = headers.origin;
  if (headers['user-agent'] !== undefined) fields.userAgent = headers['user-agent'];
  return fields;
}

/** Who a connection is and where it comes from. */
export function subjectFields(subject: AuditSubject): AuditFields {
  const fields: AuditFields = {
    connectionId: subject.id,
    namespace: subject.namespace,
    ...sourceFields(subject.headers, subject.remoteAddress),
  };
  const { userId, tenant } = subject.identity;
  if (userId !== undefined) fields.userId = userId;
  if (tenant !== undefined) fields.tenant = tenant;
  return fields;
}
