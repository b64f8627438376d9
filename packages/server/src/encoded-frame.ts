import type { Codec, ServerFrame } from '@herald/protocol';
import { deflateMessage } from './deflate-message.js';
import { buildDataFrame } from './ws-frame.js';

/** One codec's encoding of a frame, and the WebSocket frames built from it so far. */
interface Encoding {
  payload: Buffer;
  plain?: Buffer;
  deflated?: Buffer;
}

/**
 * A server frame encoded at most once per codec, framed at most once, and compressed at most
 * once: every recipient with the same codec and compression gets the very same bytes.
 */
export class EncodedFrame {
  private codec: Codec | undefined;
  private encoding: Encoding | undefined;
  private others: Map<Codec, Encoding> | undefined;

  constructor(readonly frame: ServerFrame) {}

  /** The frame's bytes for `codec`; compressed when `deflateFrom` is set and the payload reaches it. */
  bytesFor(codec: Codec, deflateFrom?: number): Buffer {
    const encoding = this.encodingFor(codec);
    if (deflateFrom !== undefined && encoding.payload.length >= deflateFrom) {
      encoding.deflated ??= buildDataFrame(deflateMessage(encoding.payload), codec.binary, true);
      return encoding.deflated;
    }
    encoding.plain ??= buildDataFrame(encoding.payload, codec.binary, false);
    return encoding.plain;
  }

  private encodingFor(codec: Codec): Encoding {
    if (this.codec === codec) return this.encoding as Encoding;
    if (this.codec === undefined) {
      this.codec = codec;
      this.encoding = encode(codec, this.frame);
      return this.encoding;
    }
    this.others ??= new Map();
    let encoding = this.others.get(codec);
    if (!encoding) {
      encoding = encode(codec, this.frame);
      this.others.set(codec, encoding);
    }
    return encoding;
  }
}

function encode(codec: Codec, frame: ServerFrame): Encoding {
  const data = codec.encode(frame);
  // Copied out of the codec's buffer, which it may reuse for the next frame.
  return { payload: typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data) };
}
