import type { Codec, ServerFrame } from '@herald/protocol';
import { EncodedFrame } from '../transport/encoded-frame.js';
import type { ConstantFrames } from './inbound.js';

/** `pong` answers, encoded once per codec: clients ping often, and the answer never changes. */
export class PongFrames implements ConstantFrames {
  private readonly byCodec = new Map<Codec, Buffer>();

  pong(connection: { readonly codec: Codec }): Buffer {
    const { codec } = connection;
    let bytes = this.byCodec.get(codec);
    if (!bytes) {
      const pong: ServerFrame = { type: 'pong' };
      bytes = new EncodedFrame(pong).bytesFor(codec);
      if (!bytes) throw new Error(`codec ${codec.subprotocol} cannot encode a pong`);
      this.byCodec.set(codec, bytes);
    }
    return bytes;
  }
}
