import type { IncomingMessage } from 'node:http';
import type { Namespace } from '../namespace/namespace.js';
import { clientAddress } from './client-address.js';
import type { HandshakeRequest } from './identity-admission.js';
import { requestTarget } from './request-target.js';

/** A handshake request routed to its namespace, or the path that names none. */
export type RoutedHandshake =
  { namespace: Namespace; handshake: HandshakeRequest } | { missing: string };

/**
 * Finds the namespace a handshake's path names (the first that matches, with its path
 * parameters), and reads who sent it, through `trustedProxies`.
 */
export function routeHandshake(
  req: IncomingMessage,
  namespaces: readonly Namespace[],
  trustedProxies: ReadonlySet<string>,
): RoutedHandshake {
  const { pathname, query } = requestTarget(req.url);
  for (const namespace of namespaces) {
    const params = namespace.pattern.match(pathname);
    if (params) {
      const remoteAddress = clientAddress(req, trustedProxies);
      return { namespace, handshake: { request: req, params, query, remoteAddress } };
    }
  }
  return { missing: pathname };
}
