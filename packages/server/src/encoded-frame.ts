import type { Codec, ServerFrame } from '@herald/protocol';
import { buildDataFrame } from './ws-frame.js';

/**
 * A server frame encoded at most once per codec and framed at most once: every recipient
 * using the same codec gets the very same bytes.
 */
export class EncodedFrame {
  private codec: Codec | undefined;
  private bytes: Buffer | undefined;
  private others: Map<Codec, Buffer> | undefined;

  constructor(readonly frame: ServerFrame) {}

  bytesFor(codec: Codec): Buffer {
    if (this.codec === codec) return this.bytes as Buffer;
    if (this.codec === undefined) {
      this.codec = codec;
      this.bytes = encodeFrame(codec, this.frame);
      return this.bytes;
    }
    this.others ??= new Map();
    let bytes = this.others.get(codec);
    if (!bytes) {
      bytes = encodeFrame(codec, this.frame);
      this.others.set(codec, bytes);
    }
    return bytes;
  }
}

export function encodeFrame(codec: Codec, frame: ServerFrame): Buffer {
  return buildDataFrame(codec.encode(frame), codec.binary);
}
