import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import { callBackend, type BackendCalls } from './backend-call.js';
import type { BackendEndpoint, ProxyKind } from './proxy-options.js';

/** What the backend is told of a connection (see docs/proxy.md), from any connection-like object. */
export interface ProxiedConnection {
  readonly id: string;
  readonly namespace: string;
  readonly params: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
  readonly transport: string;
  readonly headers: IncomingHttpHeaders;
  readonly identity: {
    readonly userId?: string;
    readonly tenant?: string;
    readonly roles: readonly string[];
    readonly permissions: readonly string[];
    readonly expiresAt?: number;
  };
}

/**
 * Asks the backend a `kind` question about a live connection: the body is the connection's
 * description and `fields`, and its handshake headers are forwarded as the endpoint allows.
 */
export function askAboutConnection<T>(
  connection: ProxiedConnection,
  endpoint: BackendEndpoint,
  kind: ProxyKind,
  fields: Record<string, unknown>,
  result: z.ZodType<T>,
  calls: BackendCalls,
): Promise<T> {
  const body = { connection: connectionFields(connection), ...fields };
  return callBackend({ endpoint, kind, body, handshakeHeaders: connection.headers, result }, calls);
}

/** The `connection` object of a call to the backend. */
function connectionFields(connection: ProxiedConnection): Record<string, unknown> {
  const { userId, tenant, roles, permissions, expiresAt } = connection.identity;
  const fields: Record<string, unknown> = {
    id: connection.id,
    namespace: connection.namespace,
    params: connection.params,
    remoteAddress: connection.remoteAddress,
    transport: connection.transport,
    roles,
    permissions,
  };
  if (userId !== undefined) fields.user = userId;
  if (tenant !== undefined) fields.tenant = tenant;
  if (expiresAt !== undefined) fields.expiresAt = expiresAt;
  return fields;
}
