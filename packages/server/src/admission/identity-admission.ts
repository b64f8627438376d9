import type { IncomingMessage } from 'node:http';
import { ErrorCodes } from '@herald/protocol';
import { checkScopes } from '../auth/auth-mode.js';
import { resolveTenant } from '../auth/tenancy.js';
import type { ResolvedTenancyOptions } from '../auth/tenancy-options.js';
import type { Identity } from '../connection/identity.js';
import type { NamespaceEndpoint } from '../connection/connection-services.js';
import { HeraldError } from '../errors.js';
import type { HandshakeContext } from '../guards/guard.js';

/** What a handshake carries that admission decisions read. */
export interface HandshakeRequest {
  request: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The client's address, through trusted proxies (see `trustProxy`). */
  remoteAddress: string;
}

/**
 * Tenant, scopes and handshake guards for an identity, at the handshake and again for each `auth`
 * frame; fills `identity.tenant`. Throws a refusal.
 */
export async function admitIdentity(
  tenancy: ResolvedTenancyOptions | undefined,
  namespace: NamespaceEndpoint<unknown>,
  handshake: HandshakeRequest,
  identity: Identity,
  authenticated: boolean,
): Promise<void> {
  const { request, params, query } = handshake;
  if (tenancy)
    identity.tenant = resolveTenant(tenancy, {
      identity,
      params,
      query,
      headers: request.headers,
    });
  if (authenticated) checkScopes(namespace.options.auth, identity);
  const guards = namespace.options.handshakeGuards;
  if (!guards || guards.length === 0) return;
  const ctx: HandshakeContext = {
    request,
    namespace: namespace.pattern.source,
    params,
    query,
    origin: request.headers.origin,
    remoteAddress: handshake.remoteAddress,
    identity,
  };
  for (const guard of guards) {
    if (!(await guard(ctx)))
      throw new HeraldError(ErrorCodes.WS_FORBIDDEN, 'connection refused by a guard');
  }
}
