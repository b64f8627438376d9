import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, jsonCodec, parseClientFrame, parseServerFrame } from '../src/index.js';
import { msgpackCodec } from '../src/msgpack-codec.js';

// Both codecs' decoders against hostile input: bytes and text of any kind, frames of any shape
// encoded properly, and nesting deep enough to break a recursive walk. Never a throw; always a
// typed result, and a refusal always names the frame as invalid.

const codecs = [jsonCodec, msgpackCodec];
const decodeOptions = { maxPayloadDepth: 32 };

/**
 * An event whose payload is `depth` arrays deep, written by hand (an encoder would refuse it):
 * JSON text, or MessagePack bytes (a one-element array header per level, then nil).
 */
function nestedEvent(binary: boolean, depth: number): string | Uint8Array {
  if (!binary) {
    return `{"type":"event","id":"d","event":"e","payload":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  }
  const head = msgpackCodec.encode({
    type: 'event',
    id: 'd',
    event: 'e',
    payload: null,
  } as never) as Uint8Array;
  // The encoded map ends with the payload's nil (0xc0): put the nested arrays in its place.
  const bytes = new Uint8Array(head.length - 1 + depth + 1);
  bytes.set(head.subarray(0, head.length - 1));
  bytes.fill(0x91, head.length - 1, head.length - 1 + depth);
  bytes[bytes.length - 1] = 0xc0;
  return bytes;
}

const frameLike = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom('event', 'subscribe', 'publish', 'history', 'auth', 'ack'),
      fc.jsonValue(),
    ),
    id: fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.double(), fc.jsonValue()),
    event: fc.oneof(fc.string(), fc.jsonValue()),
    channel: fc.oneof(fc.string(), fc.jsonValue()),
    payload: fc.jsonValue(),
    since: fc.jsonValue(),
    limit: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
    meta: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

function expectTyped(
  result: ReturnType<typeof parseClientFrame> | ReturnType<typeof parseServerFrame>,
) {
  if (result.ok) expect(typeof result.frame.type).toBe('string');
  else expect(result.error.code).toBe(ErrorCodes.WS_MESSAGE_INVALID);
}

describe.each(codecs)('the $subprotocol decoder', (codec) => {
  const raw = codec.binary ? fc.uint8Array({ maxLength: 2_048 }) : fc.string({ maxLength: 2_048 });

  it('never throws on arbitrary data, for client and server frames', () => {
    fc.assert(
      fc.property(raw, (data) => {
        expectTyped(parseClientFrame(codec, data, decodeOptions));
        expectTyped(parseServerFrame(codec, data));
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws on well-encoded frames of any shape', () => {
    fc.assert(
      fc.property(frameLike, (frame) => {
        const data = codec.encode(frame as never);
        expectTyped(parseClientFrame(codec, data, decodeOptions));
        expectTyped(parseServerFrame(codec, data));
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses a payload nested past maxPayloadDepth, however deep, without overflowing the stack', () => {
    for (const depth of [33, 1_000, 100_000]) {
      const result = parseClientFrame(codec, nestedEvent(codec.binary, depth), decodeOptions);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe(ErrorCodes.WS_MESSAGE_INVALID);
    }
  });

  it('refuses data of the other kind (text for a binary codec, and the reverse)', () => {
    const other = codec.binary ? '{"type":"ping"}' : new Uint8Array([0x81, 0xa4, 0x74]);
    expectTyped(parseClientFrame(codec, other, decodeOptions));
  });
});
