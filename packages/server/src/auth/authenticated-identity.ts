import { ErrorCodes } from '@herald/protocol';
import type { Identity } from '../connection/identity.js';
import { HeraldError } from '../errors.js';
import type { AuthenticatedUser } from './auth-options.js';

/**
 * The identity of a user a custom verifier (or the backend proxy) accepted; refused with
 * WS_TOKEN_EXPIRED when its expiry has already passed.
 */
export function authenticatedIdentity(user: AuthenticatedUser): Identity {
  if (user.expiresAt !== undefined && user.expiresAt <= Date.now()) {
    throw new HeraldError(ErrorCodes.WS_TOKEN_EXPIRED, 'token has expired');
  }
  const identity: Identity = {
    roles: user.roles ?? [],
    permissions: user.permissions ?? [],
    scopes: user.scopes ?? [],
    claims: user.claims ?? {},
  };
  if (user.userId !== undefined) identity.userId = user.userId;
  if (user.tenant !== undefined) identity.tenant = user.tenant;
  if (user.expiresAt !== undefined) identity.expiresAt = user.expiresAt;
  return identity;
}
