/** Who is on the other end of a connection. Empty (anonymous) until authentication fills it. */
export interface Identity {
  userId?: string;
  tenant?: string;
  roles: readonly string[];
  permissions: readonly string[];
  scopes: readonly string[];
  claims: Readonly<Record<string, unknown>>;
}

export function anonymousIdentity(): Identity {
  return { roles: [], permissions: [], scopes: [], claims: {} };
}
