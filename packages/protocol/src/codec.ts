/**
 * A codec turns frames into WebSocket message data and back. A connection's codec is chosen
 * by subprotocol during the handshake; JSON is the default.
 */
export interface Codec {
  /** The `Sec-WebSocket-Protocol` value that selects this codec. */
  readonly subprotocol: string;
  /** Whether messages travel as binary frames (otherwise text). */
  readonly binary: boolean;
  encode(frame: unknown): string | Uint8Array;
  /** May throw on malformed data; `parseFrame` turns that into a protocol error. */
  decode(data: string | Uint8Array): unknown;
}

export const Subprotocols = {
  json: 'herald.v1.json',
  msgpack: 'herald.v1.msgpack',
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export const jsonCodec: Codec = {
  subprotocol: Subprotocols.json,
  binary: false,
  encode: (frame) => JSON.stringify(frame),
  decode: (data) => JSON.parse(typeof data === 'string' ? data : utf8.decode(data)),
};
