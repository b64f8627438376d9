import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Whether `sent` is the API's key. Both are hashed first so that the comparison takes the same
 * time whatever the length or content of the key sent.
 */
export function apiKeyMatches(sent: string, apiKey: string): boolean {
  return timingSafeEqual(digest(sent), digest(apiKey));
}
