import type { IncomingMessage } from 'node:http';
import type { TokenSources } from './auth-options.js';

/** The subprotocol that announces a token in the next subprotocol entry. */
export const bearerSubprotocol = 'bearer';

function fromHeader(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function fromCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return value.length > 0 ? decodeURIComponent(value) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function fromSubprotocol(req: IncomingMessage): string | undefined {
  const header = req.headers['sec-websocket-protocol'];
  if (!header) return undefined;
  const offered = header.split(',').map((part) => part.trim());
  const index = offered.indexOf(bearerSubprotocol);
  const token = index >= 0 ? offered[index + 1] : undefined;
  return token !== undefined && token.length > 0 ? token : undefined;
}

/** The handshake's token, from the first source that carries one (header, query, cookie, subprotocol). */
export function extractToken(
  req: IncomingMessage,
  query: URLSearchParams,
  sources: TokenSources,
): string | undefined {
  return (
    (sources.header ? fromHeader(req) : undefined) ??
    (sources.query ? query.get(sources.query) || undefined : undefined) ??
    (sources.cookie ? fromCookie(req, sources.cookie) : undefined) ??
    (sources.subprotocol ? fromSubprotocol(req) : undefined)
  );
}
