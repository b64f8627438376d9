import { z } from 'zod';

/**
 * Validation of channel options as given by users (code or a config file). Kept apart from the
 * policy logic so that option validation can import it without an import cycle.
 */
const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
  message: 'must be a function',
});
const names = z.array(z.string().min(1));
const requirements = z.strictObject({
  roles: names.optional(),
  permissions: names.optional(),
  scopes: names.optional(),
  check: fn.optional(),
});
const subscribeAccess = z.union([
  z.enum(['everyone', 'authenticated', 'token', 'nobody']),
  requirements,
  fn,
]);
const publishAccess = z.union([
  z.enum(['everyone', 'authenticated', 'subscribers', 'nobody']),
  requirements,
  fn,
]);
const schemaLike = z.custom<object>(
  (value) => typeof value === 'object' && value !== null && '~standard' in value,
  { message: 'must be a Standard Schema (zod v4, Valibot, ArkType ...)' },
);

export const channelPolicySchema = z.strictObject({
  subscribe: subscribeAccess.optional(),
  publish: publishAccess.optional(),
  publishSchema: schemaLike.optional(),
  presence: z.boolean().optional(),
  clientPresence: z.boolean().optional(),
  joinLeave: z.boolean().optional(),
  history: z
    .strictObject({
      size: z.number().int().positive().max(1_000_000),
      ttl: z.number().int().min(0).max(2_147_483_647).optional(),
    })
    .optional(),
  clientHistory: z.boolean().optional(),
  recovery: z.boolean().optional(),
  recoveryMaxPublications: z.number().int().positive().max(1_000_000).optional(),
  recoveryMaxBytes: z.number().int().positive().optional(),
  maxSubscribers: z.number().int().min(0).optional(),
});

/** Namespace-level channel options: its default policy and strictness. */
export const namespaceChannelsSchema = z.strictObject({
  default: channelPolicySchema.optional(),
  strict: z.boolean().optional(),
});

export const channelsOptionsSchema = z.strictObject({
  policies: z.record(z.string().min(1), channelPolicySchema).optional(),
  default: channelPolicySchema.optional(),
  strict: z.boolean().optional(),
  presenceTtl: z.number().int().min(1_000).max(2_147_483_647).optional(),
  subscriptionTokens: z
    .strictObject({
      secret: z.string().min(32, 'must be at least 32 characters').optional(),
      publicKey: z.string().min(1).optional(),
      algorithms: z.array(z.string().min(1)).min(1).optional(),
      issuer: z.string().optional(),
      audience: z.string().optional(),
    })
    .refine((value) => (value.secret === undefined) !== (value.publicKey === undefined), {
      message: 'give exactly one of secret and publicKey',
    })
    .optional(),
});
