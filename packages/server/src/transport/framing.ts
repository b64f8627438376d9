/**
 * How a connection's frames are laid out on its wire. A WebSocket carries each frame in a
 * WebSocket data frame, compressed from `deflateFrom` payload bytes when the client negotiated
 * permessage-deflate; the HTTP fallback transports carry text: a server-sent event per frame
 * (`sse`), or one frame per line of a streamed response body (`http-stream`).
 */
export type Framing =
  | { readonly kind: 'websocket'; readonly deflateFrom: number | undefined }
  | { readonly kind: 'sse' }
  | { readonly kind: 'http-stream' };

/** How a client is connected: a WebSocket, or one of the HTTP fallbacks (docs/transports.md). */
export type TransportName = Framing['kind'];

/** Shared by every connection of its kind: framings hold no per-connection state. */
export const plainWebSocket: Framing = Object.freeze({ kind: 'websocket', deflateFrom: undefined });
export const sseFraming: Framing = Object.freeze({ kind: 'sse' });
export const httpStreamFraming: Framing = Object.freeze({ kind: 'http-stream' });

const compressed = new Map<number, Framing>();

/** WebSocket framing, compressed from `deflateFrom` bytes when given; one object per threshold. */
export function webSocketFraming(deflateFrom: number | undefined): Framing {
  if (deflateFrom === undefined) return plainWebSocket;
  let framing = compressed.get(deflateFrom);
  if (!framing) {
    framing = Object.freeze({ kind: 'websocket', deflateFrom });
    compressed.set(deflateFrom, framing);
  }
  return framing;
}

const newline = 0x0a;

/**
 * One server-sent event whose data is `payload` (text). A payload holding line breaks (a custom
 * codec's) is split over several `data:` lines, which the reader joins back with `\n`.
 */
export function buildEvent(payload: Buffer): Buffer {
  if (!payload.includes(newline)) return Buffer.concat([dataPrefix, payload, eventEnd]);
  const lines = payload.toString('utf8').split('\n');
  return Buffer.from(`${lines.map((line) => `data: ${line}`).join('\n')}\n\n`, 'utf8');
}

/** One line of a streamed body: the frame's text, which a JSON encoder never breaks over lines. */
export function buildLine(payload: Buffer): Buffer {
  return Buffer.concat([payload, lineEnd]);
}

const dataPrefix = Buffer.from('data: ');
const eventEnd = Buffer.from('\n\n');
const lineEnd = Buffer.from('\n');
