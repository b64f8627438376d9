import type { Codec, ServerFrame } from '@herald/protocol';
import { EncodedFrame } from '../transport/encoded-frame.js';
import { plainWebSocket, type Framing, type TransportName } from '../transport/framing.js';
import type { ConstantFrames } from './inbound.js';

/**
 * `pong` answers, encoded once per codec and transport: clients ping often, and the answer never
 * changes. Never compressed: it is far below any compression threshold.
 */
export class PongFrames implements ConstantFrames {
  private readonly byCodec = new Map<Codec, Partial<Record<TransportName, Buffer>>>();

  pong(connection: { readonly codec: Codec; readonly framing: Framing }): Buffer {
    const { codec, framing } = connection;
    let forCodec = this.byCodec.get(codec);
    if (!forCodec) this.byCodec.set(codec, (forCodec = {}));
    let bytes = forCodec[framing.kind];
    if (!bytes) {
      const pong: ServerFrame = { type: 'pong' };
      const plain = framing.kind === 'websocket' ? plainWebSocket : framing;
      bytes = new EncodedFrame(pong).bytesFor(codec, plain);
      if (!bytes) throw new Error(`codec ${codec.subprotocol} cannot encode a pong`);
      forCodec[framing.kind] = bytes;
    }
    return bytes;
  }
}
