import { CloseCodes, ErrorCodes } from '@herald/protocol';
import { z } from 'zod';
import { authenticatedIdentity } from '../auth/authenticated-identity.js';
import { extractToken } from '../auth/token-extraction.js';
import type { TokenSources } from '../auth/auth-options.js';
import type { Identity } from '../connection/identity.js';
import { HeraldError, isHeraldError } from '../errors.js';
import type { Namespace } from '../namespace/namespace.js';
import { callBackend, type BackendCalls } from '../proxy/backend-call.js';
import { endpointFor } from '../proxy/proxy-options.js';
import type { InitialChannels } from './admission.js';
import type { HandshakeRequest } from './identity-admission.js';
import { closeCodeFor } from './refusal.js';

const name = z.string().min(1).max(255);
const names = z.array(name).max(1_000);

/** The backend's `connect` result: who connects, until when, and where it is joined. */
const connectResult = z.object({
  user: name.optional(),
  tenant: name.optional(),
  roles: names.optional(),
  permissions: names.optional(),
  scopes: names.optional(),
  claims: z.record(z.string(), z.unknown()).optional(),
  /** ms since epoch */
  expiresAt: z.number().int().positive().optional(),
  info: z.record(z.string(), z.unknown()).optional(),
  channels: z.array(name).max(100).optional(),
});

/** Where no gateway `auth` says where tokens travel: the usual carriers. */
const defaultSources: TokenSources = {
  header: true,
  query: 'token',
  cookie: 'herald_token',
  subprotocol: true,
};

/**
 * The backend proxy's `connect` decision for a handshake, when the namespace has one: the
 * identity (expiry included) and the channels to join; undefined without a `connect` proxy. The
 * backend sees the namespace, its parameters and query, the client's address, the allowed
 * headers and the token, if one was carried.
 */
export async function connectThroughProxy(
  namespace: Namespace,
  handshake: HandshakeRequest,
  sources: TokenSources | undefined,
  calls: BackendCalls,
): Promise<{ identity: Identity; joins: InitialChannels | undefined } | undefined> {
  const endpoint = endpointFor(namespace.options.proxy, 'connect');
  if (!endpoint) return undefined;
  const { request, params, query, remoteAddress } = handshake;
  const token = extractToken(request, query, sources ?? defaultSources);
  const body: Record<string, unknown> = {
    namespace: namespace.pattern.source,
    params,
    query: Object.fromEntries(query),
    remoteAddress,
  };
  if (token !== undefined) body.token = token;
  let result: z.output<typeof connectResult>;
  try {
    result = await callBackend(
      { endpoint, kind: 'connect', body, handshakeHeaders: request.headers, result: connectResult },
      calls,
    );
  } catch (error) {
    throw asConnectRefusal(error);
  }
  const { user, channels, info, ...fields } = result;
  const identity = authenticatedIdentity(user === undefined ? fields : { ...fields, userId: user });
  const joins = channels?.length ? { channels, info } : undefined;
  return { identity, joins };
}

/**
 * A refusal closes the connection with its code's close code: an application's own code (not in
 * the catalogue) would close as an internal error, so it is refused as WS_FORBIDDEN, keeping the
 * backend's message.
 */
function asConnectRefusal(error: unknown): unknown {
  if (!isHeraldError(error) || closeCodeFor(error.code) !== CloseCodes.INTERNAL_ERROR) return error;
  return new HeraldError(ErrorCodes.WS_FORBIDDEN, error.message);
}
