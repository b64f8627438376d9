import { z } from 'zod';
import { nonEmpty } from '../validation/option-schema.js';

/** What a source given by name alone reads. */
const namedSources = {
  claim: { from: 'claim' },
  param: { from: 'param', name: 'tenant' },
  query: { from: 'query', name: 'tenant' },
  header: { from: 'header', name: 'x-tenant-id' },
  subdomain: { from: 'subdomain', baseDomain: undefined },
} as const;

const tenantSourceSchema = z
  .union([
    z.enum(['claim', 'param', 'query', 'header', 'subdomain']),
    z.strictObject({ from: z.enum(['param', 'query', 'header']), name: nonEmpty }),
    z.strictObject({ from: z.literal('subdomain'), baseDomain: nonEmpty }),
  ])
  .transform((source) => (typeof source === 'string' ? namedSources[source] : source));

/**
 * Where a connection's tenant comes from, tried in order:
 * - `claim`: the token's tenant claim (`tenant_id` unless renamed in `auth.claims`);
 * - `param`: a namespace path parameter (default `tenant`, as in `/t/:tenant/chat`);
 * - `query`: a query parameter (default `tenant`);
 * - `header`: a header (default `x-tenant-id`);
 * - `subdomain`: the first label of the Host, or the label before `baseDomain`.
 */
export type TenantSource = z.input<typeof tenantSourceSchema>;
/** A source with its parameter or header name filled in. */
export type ResolvedTenantSource = z.output<typeof tenantSourceSchema>;

/** Tenant resolution and per-tenant channel isolation (`tenancy`). */
export const tenancyOptionsSchema = z.strictObject({
  sources: z.array(tenantSourceSchema).min(1),
  /** Scope channel names per tenant so that tenants never see each other's channels. */
  isolation: z.boolean().default(true),
  /** Refuse connections whose tenant cannot be resolved (4003). */
  required: z.boolean().default(false),
});

export type TenancyOptions = z.input<typeof tenancyOptionsSchema>;
export type ResolvedTenancyOptions = z.output<typeof tenancyOptionsSchema>;
