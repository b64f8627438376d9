import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ErrorCodes } from '@herald/protocol';
import { HttpApiError } from './http-error.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Checks `Authorization: Bearer <key>`: undefined when it is the API's key, else the 401 to
 * answer, which tells a request without a key (`WS_AUTH_REQUIRED`) from one with the wrong key
 * (`WS_AUTH_FAILED`) so that a page can ask for the key or say that it is wrong. Both keys are
 * hashed first so that the comparison takes the same time whatever the length or content of the
 * key sent.
 */
export function apiKeyRefusal(req: IncomingMessage, apiKey: string): HttpApiError | undefined {
  const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (match === null) {
    return new HttpApiError(
      401,
      ErrorCodes.WS_AUTH_REQUIRED,
      'an API key is required: send Authorization: Bearer <key>',
    );
  }
  if (timingSafeEqual(digest(match[1] ?? ''), digest(apiKey))) return undefined;
  return new HttpApiError(401, ErrorCodes.WS_AUTH_FAILED, 'the API key is wrong');
}
