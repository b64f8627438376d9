/** Who is on the other end of a connection. Empty (anonymous) until authentication fills it. */
export interface Identity {
  userId?: string;
  tenant?: string;
  roles: readonly string[];
  permissions: readonly string[];
  scopes: readonly string[];
  claims: Readonly<Record<string, unknown>>;
  /** When the credentials stop being valid (ms since epoch); the connection is closed with 4010 then. */
  expiresAt?: number;
}

/**
 * The identity every anonymous connection shares where nothing fills it in later (no tenancy):
 * frozen, so that one object serves them all instead of five objects each.
 */
export const anonymous: Identity = Object.freeze({
  roles: Object.freeze([]),
  permissions: Object.freeze([]),
  scopes: Object.freeze([]),
  claims: Object.freeze({}),
});

/** A fresh anonymous identity, for admission to fill in (its tenant). */
export function anonymousIdentity(): Identity {
  return { roles: [], permissions: [], scopes: [], claims: {} };
}
