/**
 * A namespace's Origin allow-list: exact origins (`https://app.example.com`) and wildcard
 * subdomains (`https://*.example.com`, which matches any depth of subdomain but not the bare
 * domain). Scheme and port must match. A handshake without an Origin header is not from a
 * browser page, so cross-site WebSocket hijacking cannot be the cause; it is let through.
 */
const wildcardParts = /^([a-z][a-z0-9+.-]*:\/\/)\*(\.[^/*]+)$/i;

export class OriginPolicy {
  private readonly exact = new Set<string>();
  private readonly wildcards: { prefix: string; suffix: string }[] = [];

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const wildcard = wildcardParts.exec(entry);
      if (wildcard) {
        this.wildcards.push({
          prefix: (wildcard[1] as string).toLowerCase(),
          suffix: (wildcard[2] as string).toLowerCase(),
        });
      } else {
        this.exact.add(normalize(entry) ?? entry);
      }
    }
  }

  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    const normalized = normalize(origin);
    if (normalized === undefined) return false;
    if (this.exact.has(normalized)) return true;
    return this.wildcards.some(
      ({ prefix, suffix }) =>
        normalized.startsWith(prefix) &&
        normalized.endsWith(suffix) &&
        normalized.length > prefix.length + suffix.length,
    );
  }
}

/** `scheme://host[:port]` in lower case with default ports dropped; undefined if not an origin. */
function normalize(origin: string): string | undefined {
  if (origin === 'null') return undefined;
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/** True for an allow-list entry: an origin, or a wildcard-subdomain origin. */
export function isOriginEntry(entry: string): boolean {
  if (wildcardParts.test(entry)) return true;
  try {
    const url = new URL(entry);
    return (
      url.origin !== 'null' && url.pathname === '/' && !url.search && !url.hash && !url.username
    );
  } catch {
    return false;
  }
}
