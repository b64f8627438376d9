import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Checks `Authorization: Bearer <key>`. Both keys are hashed first so that the comparison takes
 * the same time whatever the length or content of the key sent.
 */
export function hasApiKey(req: IncomingMessage, apiKey: string): boolean {
  const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1] ?? ''), digest(apiKey));
}
