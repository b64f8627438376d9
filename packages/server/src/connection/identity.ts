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

export function anonymousIdentity(): Identity {
  return { roles: [], permissions: [], scopes: [], claims: {} };
}
