import { ErrorCodes } from '@herald/protocol';
import { z } from 'zod';
import { HeraldError } from '../errors.js';
import type { Identity } from '../connection/identity.js';
import { nonEmpty } from '../validation/option-schema.js';

const scopeRequirementSchema = z.strictObject({
  scopes: z.array(nonEmpty).min(1).readonly(),
  match: z.enum(['any', 'all']).optional(),
});

/** A namespace's `auth` option. */
export const authModeSchema = z.union([
  z.enum(['public', 'optional', 'required']),
  scopeRequirementSchema,
]);

/** What a namespace asks of a connection's credentials. */
export type ScopeRequirement = z.output<typeof scopeRequirementSchema>;

/**
 * - `public`: tokens are not read; everyone is anonymous.
 * - `optional`: a token is verified when given (a bad one is refused); none means anonymous.
 * - `required`: a valid token is needed, in the handshake or in-band within `authTimeout`.
 * - `{ scopes, match }`: required, and the identity must hold all (default) or any of the scopes.
 */
export type AuthMode = z.output<typeof authModeSchema>;

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
