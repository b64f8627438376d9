import type { NamespaceEndpoint } from '../connection/connection-services.js';
import type { Identity } from '../connection/identity.js';
import type { Credentials } from '../connection/session.js';

/** Read before tenant resolution, which fills `identity.tenant` from the tenant sources. */
export function credentialsOf(identity: Identity): Credentials {
  return { userId: identity.userId, tenant: identity.tenant };
}

/** Who a connection counts against (see ConnectionLimits). */
export function connectionKeys(
  namespace: NamespaceEndpoint<unknown>,
  ip: string,
  identity: Identity,
) {
  const { userId, tenant } = identity;
  const namespaceLimit = namespace.options.maxConnections;
  return { namespace: namespace.pattern.source, namespaceLimit, ip, userId, tenant };
}
