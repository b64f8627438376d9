import type { Identity } from '../connection/identity.js';
import type { ClaimNames } from './auth-options.js';

/** A list claim: a JSON array of strings, or a space-separated string (OAuth `scope`). */
function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((part) => part.length > 0);
  if (Array.isArray(value)) return value.filter((part): part is string => typeof part === 'string');
  return [];
}

function stringClaim(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Maps a verified claim set to an identity; `exp` (seconds) becomes `expiresAt` (ms). */
export function identityFromClaims(claims: Record<string, unknown>, names: ClaimNames): Identity {
  const identity: Identity = {
    roles: stringList(claims[names.roles]),
    permissions: stringList(claims[names.permissions]),
    scopes: stringList(claims[names.scopes]),
    claims,
  };
  const userId = stringClaim(claims[names.userId]);
  if (userId !== undefined) identity.userId = userId;
  const tenant = stringClaim(claims[names.tenant]);
  if (tenant !== undefined) identity.tenant = tenant;
  if (typeof claims.exp === 'number') identity.expiresAt = claims.exp * 1000;
  return identity;
}
