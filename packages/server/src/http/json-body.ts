import type { IncomingMessage } from 'node:http';
import { readBody } from '../transport/read-body.js';
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
  const body = await readBody(req, limit);
  if (!body) throw tooLarge;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw invalidRequest([{ path: 'body', message: 'not valid JSON' }]);
  }
}
