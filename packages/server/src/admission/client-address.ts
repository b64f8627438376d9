import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * The client's address. Behind trusted proxies (by exact address), the `X-Forwarded-For` chain is
 * read from the right: the first hop that is not a trusted proxy is the client. Anything else
 * sending the header is ignored, so a client cannot choose its own address; a malformed hop
 * stops the walk at the last address that is known for sure.
 */
export function clientAddress(
  request: IncomingMessage,
  trustedProxies: ReadonlySet<string>,
): string {
  let address = normalizeAddress(request.socket.remoteAddress ?? '');
  if (!trustedProxies.has(address)) return address;
  const header = request.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop.length > 0);
  for (let index = chain.length - 1; index >= 0; index--) {
    const hop = normalizeAddress(chain[index] as string);
    if (isIP(hop) === 0) return address;
    address = hop;
    if (!trustedProxies.has(hop)) return hop;
  }
  return address;
}
