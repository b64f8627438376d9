import type { JSONWebKeySet, JWK } from 'jose';
import { z } from 'zod';
import { milliseconds, nonEmpty, typed } from '../validation/option-schema.js';
import { jwtAlgorithms, type JwtAlgorithm } from './jwt-algorithms.js';

const oneOrMany = z.union([nonEmpty, z.array(nonEmpty).min(1)]);
const keyShape = z.looseObject({ kty: nonEmpty });
const secretAlgorithms: JwtAlgorithm[] = ['HS256'];
const keyAlgorithms: JwtAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];

/** JWT verification (`auth.jwt`). Give exactly one key source; the accepted algorithms are pinned. */
export const jwtOptionsSchema = z
  .strictObject({
    /** Accepted `alg` values. Default: `['HS256']` with `secret`, else `['RS256', 'ES256', 'EdDSA']`. */
    algorithms: z.array(z.enum(jwtAlgorithms)).min(1).optional(),
    /** Shared secret for HS256/384/512; at least 32 bytes. */
    secret: nonEmpty.optional(),
    /** PEM public key (SPKI) or X.509 certificate. */
    publicKey: nonEmpty.optional(),
    /** One JSON Web Key. */
    jwk: typed<JWK>(keyShape).optional(),
    /** A JSON Web Key Set given inline. */
    jwks: typed<JSONWebKeySet>(z.looseObject({ keys: z.array(keyShape) })).optional(),
    /** Path of a JSON Web Key Set file, read once at start-up. */
    jwksFile: nonEmpty.optional(),
    /** URL of a JSON Web Key Set, cached and fetched again when a token names an unknown `kid`. */
    jwksUrl: nonEmpty.optional(),
    /** Milliseconds a fetched JWKS is trusted. */
    jwksCacheMaxAge: milliseconds.default(600_000),
    /** Minimum milliseconds between two fetches of the JWKS. */
    jwksCooldown: milliseconds.default(30_000),
    /** Required `iss`. */
    issuer: oneOrMany.optional(),
    /** Required `aud` (one of). */
    audience: oneOrMany.optional(),
    /** Seconds of clock skew accepted on `exp` and `nbf`. */
    clockTolerance: z.number().min(0).default(0),
  })
  .transform((options) => ({
    ...options,
    algorithms:
      options.algorithms ?? (options.secret !== undefined ? secretAlgorithms : keyAlgorithms),
  }));

export type JwtOptions = z.input<typeof jwtOptionsSchema>;
export type ResolvedJwtOptions = z.output<typeof jwtOptionsSchema>;
