import type { IncomingMessage } from 'node:http';
import { ErrorCodes } from '@herald/protocol';
import { HttpApiError, invalidRequest } from './http-error.js';

/** Reads and parses a JSON request body of at most `limit` bytes. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  // A form or `text/plain` post from another site would skip the browser's CORS preflight.
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpApiError(415, ErrorCodes.WS_MESSAGE_INVALID, 'expected application/json');
  }
  const tooLarge = new HttpApiError(
    413,
    ErrorCodes.WS_PAYLOAD_TOO_LARGE,
    `request body over ${limit} bytes`,
  );
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw invalidRequest([{ path: 'body', message: 'not valid JSON' }]);
  }
}
