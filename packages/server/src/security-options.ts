import { z } from 'zod';
import { jwtAlgorithms } from './auth/jwt-algorithms.js';
import { isOriginEntry } from './admission/origin.js';

/**
 * Validation of the auth, tenancy, limit and origin options, merged into the option schemas of
 * options.ts so that a bad field is named like any other.
 */
const fn = z.custom<(...args: never[]) => unknown>(
  (value) => typeof value === 'function',
  'must be a function',
);
const count = z.number().int().min(0);
const positive = z.number().int().positive();
const milliseconds = z.number().int().min(0).max(2_147_483_647);
const nonEmpty = z.string().min(1);
const oneOrMany = z.union([nonEmpty, z.array(nonEmpty).min(1)]);
const perSecond = z.strictObject({ perSecond: positive, burst: positive.optional() });
const perMinute = z.strictObject({ perMinute: positive, burst: positive.optional() });

const jwtSchema = z.strictObject({
  algorithms: z.array(z.enum(jwtAlgorithms)).min(1).optional(),
  secret: nonEmpty.optional(),
  publicKey: nonEmpty.optional(),
  jwk: z.looseObject({ kty: nonEmpty }).optional(),
  jwks: z.looseObject({ keys: z.array(z.looseObject({ kty: nonEmpty })) }).optional(),
  jwksFile: nonEmpty.optional(),
  jwksUrl: nonEmpty.optional(),
  jwksCacheMaxAge: milliseconds.optional(),
  jwksCooldown: milliseconds.optional(),
  issuer: oneOrMany.optional(),
  audience: oneOrMany.optional(),
  clockTolerance: z.number().min(0).optional(),
});

const tenantSource = z.union([
  z.enum(['claim', 'param', 'query', 'header', 'subdomain']),
  z.strictObject({ from: z.enum(['param', 'query', 'header']), name: nonEmpty }),
  z.strictObject({ from: z.literal('subdomain'), baseDomain: nonEmpty }),
]);

export const gatewaySecurityShape = {
  auth: z
    .strictObject({
      jwt: jwtSchema.optional(),
      authenticate: fn.optional(),
      claims: z
        .strictObject({
          userId: nonEmpty.optional(),
          tenant: nonEmpty.optional(),
          roles: nonEmpty.optional(),
          permissions: nonEmpty.optional(),
          scopes: nonEmpty.optional(),
        })
        .optional(),
      tokenSources: z
        .strictObject({
          header: z.boolean().optional(),
          query: z.union([nonEmpty, z.literal(false)]).optional(),
          cookie: z.union([nonEmpty, z.literal(false)]).optional(),
          subprotocol: z.boolean().optional(),
        })
        .optional(),
      authTimeout: milliseconds.optional(),
      rejectBeforeUpgrade: z.boolean().optional(),
    })
    .optional(),
  tenancy: z
    .strictObject({
      sources: z.array(tenantSource).min(1),
      isolation: z.boolean().optional(),
      required: z.boolean().optional(),
    })
    .optional(),
  limits: z
    .strictObject({
      maxConnections: count.optional(),
      maxConnectionsPerIp: count.optional(),
      maxConnectionsPerUser: count.optional(),
      maxConnectionsPerTenant: count.optional(),
    })
    .optional(),
  rateLimit: z
    .strictObject({
      enabled: z.boolean().optional(),
      perConnection: perSecond.optional(),
      perUser: perMinute.optional(),
      perIp: perMinute.optional(),
      perTenant: perMinute.optional(),
      connectionAttemptsPerIp: perMinute.optional(),
      maxViolations: positive.optional(),
    })
    .optional(),
};

export const namespaceSecurityShape = {
  auth: z
    .union([
      z.enum(['public', 'optional', 'required']),
      z.strictObject({
        scopes: z.array(nonEmpty).min(1),
        match: z.enum(['any', 'all']).optional(),
      }),
    ])
    .optional(),
  origins: z
    .array(
      z
        .string()
        .refine(isOriginEntry, 'must be an origin (scheme://host[:port]) or scheme://*.domain'),
    )
    .optional(),
  handshakeGuards: z.array(fn).optional(),
  authorizeSubscribe: fn.optional(),
  authorizePublish: fn.optional(),
  maxSubscriptions: count.optional(),
  maxSubscribersPerChannel: count.optional(),
  idleTimeout: milliseconds.optional(),
};
