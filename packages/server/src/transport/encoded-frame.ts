import type { Codec, ServerFrame } from '@herald/protocol';
import { deflateMessage } from './deflate-message.js';
import { buildEvent, buildLine, type Framing } from './framing.js';
import { buildDataFrame } from './ws-frame.js';

/** One codec's encoding of a frame, and the wire forms built from it so far. */
interface Encoding {
  payload: Buffer;
  plain?: Buffer;
  deflated?: Buffer;
  event?: Buffer;
  line?: Buffer;
}

/** Why a codec could not encode a frame; `reported` once it was logged, so that it is logged once. */
export interface EncodingFailure {
  error: unknown;
  reported: boolean;
}

/**
 * A server frame encoded at most once per codec, framed at most once, and compressed at most
 * once: every recipient with the same codec and compression gets the very same bytes. A codec
 * that cannot encode the frame is tried once too; its recipients are told (see Connection).
 */
export class EncodedFrame {
  private codec: Codec | undefined;
  private encoding: Encoding | EncodingFailure | undefined;
  private others: Map<Codec, Encoding | EncodingFailure> | undefined;

  /**
   * Milliseconds its recipients may hold the frame to share a write (its channel policy's
   * `writeDelay`); undefined leaves it to each recipient's namespace.
   */
  writeDelay: number | undefined;

  constructor(readonly frame: ServerFrame) {}

  /**
   * The frame's bytes for `codec` laid out for `framing` (compressed when a WebSocket framing
   * sets `deflateFrom` and the payload reaches it); undefined when the codec cannot encode it
   * (`failureFor` says why).
   */
  bytesFor(codec: Codec, framing: Framing): Buffer | undefined {
    const encoding = this.encodingFor(codec);
    if ('error' in encoding) return undefined;
    // WebSocket recipients first: nearly all of them are.
    if (framing.kind !== 'websocket') {
      if (framing.kind === 'sse') return (encoding.event ??= buildEvent(encoding.payload));
      return (encoding.line ??= buildLine(encoding.payload));
    }
    const { deflateFrom } = framing;
    if (deflateFrom !== undefined && encoding.payload.length >= deflateFrom) {
      encoding.deflated ??= buildDataFrame(deflateMessage(encoding.payload), codec.binary, true);
      return encoding.deflated;
    }
    encoding.plain ??= buildDataFrame(encoding.payload, codec.binary, false);
    return encoding.plain;
  }

  failureFor(codec: Codec): EncodingFailure | undefined {
    const encoding = this.encodingFor(codec);
    return 'error' in encoding ? encoding : undefined;
  }

  /** What the frame is, for people: a client that could not get it is told so. */
  describe(): string {
    const { frame } = this;
    if (frame.type === 'event' && frame.channel !== undefined)
      return `a publication on channel '${frame.channel}'`;
    if (frame.type === 'event') return `the event '${frame.event}'`;
    return `a '${frame.type}' frame`;
  }

  private encodingFor(codec: Codec): Encoding | EncodingFailure {
    if (this.codec === codec) return this.encoding as Encoding | EncodingFailure;
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

function encode(codec: Codec, frame: ServerFrame): Encoding | EncodingFailure {
  let data: string | Uint8Array;
  try {
    data = codec.encode(frame);
  } catch (error) {
    return { error, reported: false };
  }
  // Copied out of the codec's buffer, which it may reuse for the next frame.
  return { payload: typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data) };
}
