/** The WHATWG WebSocket constructor: browsers', Node 22's global one, or `ws`, which follows it. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** Picks the WebSocket implementation: the given one, the global one, else `ws` (Node 20). */
export async function resolveWebSocket(
  given?: WebSocketConstructor,
): Promise<WebSocketConstructor> {
  if (given) return given;
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  // Loaded only here, so that browsers never evaluate it; browser bundles get ws's stub.
  const { default: NodeWebSocket } = await import('ws');
  // ws implements the parts of the WHATWG interface the client uses (on* handlers, binaryType).
  return NodeWebSocket as unknown as WebSocketConstructor;
}

/**
 * Stops listening to `socket` and closes it: with a close handshake when `code` is given and the
 * socket is open, otherwise at once (`ws` can drop the TCP connection without waiting).
 */
export function closeSocket(socket: WebSocket, code?: number, reason?: string): void {
  socket.onopen = socket.onmessage = socket.onclose = null;
  // `ws` reports closing a socket that is still connecting as an error; nobody listens any more.
  socket.onerror = () => undefined;
  const terminate = (socket as { terminate?: () => void }).terminate;
  if (code !== undefined && socket.readyState === 1) socket.close(code, reason);
  else if (typeof terminate === 'function') terminate.call(socket);
  else if (socket.readyState === 0 || socket.readyState === 1) socket.close();
}

/** Message data as the codecs take it. */
export function messageData(data: unknown): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('unsupported WebSocket message data');
}

/**
 * Resolves `url` against the page in browsers (so `'/chat/lobby'` works), maps its scheme to
 * ws(s) for a WebSocket or http(s) for an HTTP fallback, and adds `?token=` when given.
 */
export function buildUrl(
  url: string,
  token: string | undefined,
  scheme: 'ws' | 'http' = 'ws',
): string {
  const base = typeof location === 'undefined' ? undefined : location.href;
  const resolved = new URL(url, base);
  const secure = resolved.protocol === 'https:' || resolved.protocol === 'wss:';
  resolved.protocol = `${scheme}${secure ? 's' : ''}:`;
  if (token !== undefined) resolved.searchParams.set('token', token);
  return resolved.toString();
}
