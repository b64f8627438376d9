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

/** One masked client frame (RFC 6455 §5.2): `fin` false leaves the message open for continuations. */
export function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const frame = Buffer.alloc(2 + lengthBytes + 4 + length);
  frame[0] = (fin ? 0x80 : 0) | opcode;
  if (lengthBytes === 0) frame[1] = 0x80 | length;
  else if (lengthBytes === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  const start = 2 + lengthBytes + 4;
  mask.copy(frame, start - 4);
  for (let i = 0; i < length; i++)
    frame[start + i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return frame;
}

/** Sends one masked text frame, as a client must. */
export function sendText(socket: Socket, text: string): void {
  socket.write(clientFrame(0x1, Buffer.from(text)));
}

/**
 * Sends one text message split into the given fragments: a text frame without FIN, then
 * continuation frames, the last with FIN. Written in one go, as a fast client would.
 */
export function sendFragmentedText(socket: Socket, fragments: Buffer[]): void {
  const frames = fragments.map((fragment, i) =>
    clientFrame(i === 0 ? 0x1 : 0x0, fragment, i === fragments.length - 1),
  );
  socket.write(Buffer.concat(frames));
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

/** Collects the server's frames (starting with `head`) until `done` says enough, or the socket ends. */
export function readFrames(
  socket: Socket,
  head: Buffer,
  done: (frames: RawFrame[]) => boolean,
): Promise<RawFrame[]> {
  let bytes = head;
  return new Promise((resolve) => {
    const check = () => {
      const { frames } = parseFrames(bytes);
      if (!done(frames) && !socket.readableEnded && !socket.destroyed) return;
      socket.off('data', onData);
      resolve(frames);
    };
    const onData = (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      check();
    };
    socket.on('data', onData);
    socket.once('close', check);
    check();
  });
}

/** The code of a server close frame (opcode 8), if `frame` is one. */
export function closeCode(frame: RawFrame | undefined): number | undefined {
  return frame?.opcode === 0x8 ? frame.payload.readUInt16BE(0) : undefined;
}

/** A text frame carrying a `system` frame (the session notice every accepted connection gets). */
export function isSystemFrame(frame: RawFrame): boolean {
  if (frame.opcode !== 1) return false;
  return (JSON.parse(frame.payload.toString()) as { type?: string }).type === 'system';
}
