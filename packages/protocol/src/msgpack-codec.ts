import { Decoder, Encoder } from '@msgpack/msgpack';
import { Subprotocols, type Codec } from './codec.js';

// Undefined fields are left out, as JSON.stringify does, so that both codecs carry the same frames.
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

/**
 * MessagePack in binary frames, selected by `herald.v1.msgpack`. A separate entry point
 * (`@herald/protocol/msgpack`) so that JSON-only bundles do not carry the MessagePack library.
 */
export const msgpackCodec: Codec = {
  subprotocol: Subprotocols.msgpack,
  binary: true,
  encode: (frame) => encoder.encode(frame),
  decode: (data) => {
    if (typeof data === 'string') throw new TypeError('MessagePack frames must be binary');
    return decoder.decode(data);
  },
};
