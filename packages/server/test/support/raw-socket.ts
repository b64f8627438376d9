import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A WebSocket client on a bare TCP socket: it performs the handshake by hand, so a test can see
 * exactly how bytes arrive (one TCP read per server write) or stop reading altogether.
 */
export async function rawWebSocket(
  port: number,
  path: string,
  /** More request header lines, each ending with CRLF. */
  extraHeaders = '',
): Promise<{ socket: Socket; head: Buffer; response: string }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n${extraHeaders}\r\n`,
  );
  let buffer = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (!buffer.subarray(0, 12).toString().includes('101')) reject(new Error(buffer.toString()));
      else
        resolve({
          socket,
          head: buffer.subarray(end + 4),
          response: buffer.subarray(0, end).toString(),
        });
    };
    socket.on('data', onData);
  });
}

/** Sends one masked text frame, as a client must. */
export function sendText(socket: Socket, text: string): void {
  const payload = Buffer.from(text);
  if (payload.length >= 126) throw new Error('sendText handles short frames only');
  const mask = randomBytes(4);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x81;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++)
    frame[6 + i] = (payload[i] as number) ^ (mask[i % 4] as number);
  socket.write(frame);
}

/** Splits server frames (unmasked, FIN set) out of a byte stream; returns frames and the rest. */
export interface RawFrame {
  opcode: number;
  /** RSV1: the payload is permessage-deflate compressed. */
  compressed: boolean;
  payload: Buffer;
}

export function parseFrames(bytes: Buffer): { frames: RawFrame[]; rest: Buffer } {
  const frames: RawFrame[] = [];
  let offset = 0;
  while (bytes.length - offset >= 2) {
    const opcode = (bytes[offset] as number) & 0x0f;
    let length = (bytes[offset + 1] as number) & 0x7f;
    let header = 2;
    if (length === 126) {
      if (bytes.length - offset < 4) break;
      length = bytes.readUInt16BE(offset + 2);
      header = 4;
    } else if (length === 127) {
      if (bytes.length - offset < 10) break;
      length = Number(bytes.readBigUInt64BE(offset + 2));
      header = 10;
    }
    if (bytes.length - offset < header + length) break;
    const compressed = ((bytes[offset] as number) & 0x40) !== 0;
    frames.push({
      opcode,
      compressed,
      payload: bytes.subarray(offset + header, offset + header + length),
    });
    offset += header + length;
  }
  return { frames, rest: bytes.subarray(offset) };
}
