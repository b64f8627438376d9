import { ErrorCodes } from '@herald/protocol';
import { HeraldError } from '../errors.js';
import type { Identity } from '../connection/identity.js';

/** What a namespace asks of a connection's credentials. */
export type ScopeRequirement = { scopes: readonly string[]; match?: 'any' | 'all' };

/**
 * - `public`: tokens are not read; everyone is anonymous.
 * - `optional`: a token is verified when given (a bad one is refused); none means anonymous.
 * - `required`: a valid token is needed, in the handshake or in-band within `authTimeout`.
 * - `{ scopes, match }`: required, and the identity must hold all (default) or any of the scopes.
 */
export type AuthMode = 'public' | 'optional' | 'required' | ScopeRequirement;

/** The `scopes(...)` namespace auth mode. */
export function scopes(names: readonly string[], match: 'any' | 'all' = 'all'): ScopeRequirement {
  return { scopes: names, match };
}

export function requiresIdentity(mode: AuthMode): boolean {
  return mode !== 'public' && mode !== 'optional';
}

/** Throws WS_FORBIDDEN when an authenticated identity lacks the scopes the mode asks for. */
export function checkScopes(mode: AuthMode, identity: Identity): void {
  if (typeof mode === 'string') return;
  const held = (scope: string) => identity.scopes.includes(scope);
  const ok = mode.match === 'any' ? mode.scopes.some(held) : mode.scopes.every(held);
  if (!ok) {
    throw new HeraldError(
      ErrorCodes.WS_FORBIDDEN,
      `missing scope: ${mode.match === 'any' ? 'one of ' : ''}${mode.scopes.join(', ')}`,
    );
  }
}
