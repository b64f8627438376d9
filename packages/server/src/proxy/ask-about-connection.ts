/** What the backend is told of a connection (see docs/proxy.md), from any connection-like object. */
export interface ProxiedConnection {
  readonly id: string;
  readonly namespace: string;
  readonly params: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
  readonly transport: string;
  readonly identity: {
    readonly userId?: string;
    readonly tenant?: string;
    readonly roles: readonly string[];
    readonly permissions: readonly string[];
    readonly expiresAt?: number;
  };
}

/** The `connection` object of a call to the backend. */
export function connectionFields(connection: ProxiedConnection): Record<string, unknown> {
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
