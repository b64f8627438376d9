import type { Connection } from '../../src/index.js';
import type { SocketConnection } from '../../src/connection/socket-connection.js';

/**
 * An onConnect hook that takes the identity from the query string (`?user=u1&tenant=t&roles=a,b
 * &permissions=p&scopes=s`), standing in for authentication in tests. Applications cannot do
 * this: their identities come from authentication (docs/auth.md).
 */
export function identityFromQuery(connection: Connection): void {
  const list = (name: string) => connection.query.get(name)?.split(',').filter(Boolean) ?? [];
  const userId = connection.query.get('user') ?? undefined;
  const tenant = connection.query.get('tenant') ?? undefined;
  (connection as SocketConnection).setIdentity({
    ...(userId !== undefined && { userId }),
    ...(tenant !== undefined && { tenant }),
    roles: list('roles'),
    permissions: list('permissions'),
    scopes: list('scopes'),
    claims: {},
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
