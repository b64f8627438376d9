/**
 * Builds a complete unmasked server→client WebSocket data frame (RFC 6455 §5.2) once, so that
 * the same bytes can be written to every recipient without re-framing per socket. `compressed`
 * sets RSV1, which marks a permessage-deflate message (RFC 7692).
 */
export function buildDataFrame(payload: Uint8Array, binary: boolean, compressed: boolean): Buffer {
  const length = payload.byteLength;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x80 | (compressed ? 0x40 : 0) | (binary ? 0x2 : 0x1); // FIN, RSV1, opcode
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.set(payload, headerLength);
  return frame;
}
