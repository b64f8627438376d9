import { z } from 'zod';
import { nonEmpty } from '../validation/option-schema.js';

const oneOrMany = z.union([nonEmpty, z.array(nonEmpty).min(1)]);

/**
 * Admin tokens the HTTP API accepts beside its key (`jwt` of createHttpApi, `api.jwt` of
 * `herald serve`): one key source, as for client tokens, and the claim that must be `true`.
 */
export const adminJwtOptionsSchema = z.strictObject({
  /** Shared secret (HS256), at least 32 bytes. */
  secret: nonEmpty.optional(),
  /** PEM public key (SPKI) or X.509 certificate (RS256, ES256, EdDSA). */
  publicKey: nonEmpty.optional(),
  /** URL of a JSON Web Key Set. */
  jwksUrl: nonEmpty.optional(),
  /** The claim that must be `true` for the token to act as an administrator. */
  claim: nonEmpty.default('admin'),
  /** Required `iss`. */
  issuer: oneOrMany.optional(),
  /** Required `aud` (one of). */
  audience: oneOrMany.optional(),
});

export type AdminJwtOptions = z.input<typeof adminJwtOptionsSchema>;
