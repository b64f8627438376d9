import type { ManifestNamespace } from '@herald/server';

/** A namespace's channel patterns, once each: a pattern often has a subscribe and an unsubscribe handler. */
export function channelPatterns(namespace: ManifestNamespace): ManifestNamespace['channels'] {
  const seen = new Set<string>();
  return namespace.channels.filter(({ pattern }) => !seen.has(pattern) && seen.add(pattern));
}
