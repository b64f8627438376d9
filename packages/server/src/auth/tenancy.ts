import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { ErrorCodes } from '@herald/protocol';
import { tenantIdPattern } from '../channels/channel-names.js';
import { HeraldError } from '../errors.js';
import type { Identity } from '../connection/identity.js';
import type { ResolvedTenancyOptions, ResolvedTenantSource } from './tenancy-options.js';

/** What tenant resolution reads of a handshake. */
export interface TenantInput {
  identity: Identity;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

function subdomain(host: string | undefined, baseDomain: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (isIP(name)) return undefined;
  if (baseDomain !== undefined) {
    const suffix = `.${baseDomain.toLowerCase()}`;
    const label = name.endsWith(suffix) ? name.slice(0, -suffix.length) : '';
    return label.length > 0 && !label.includes('.') ? label : undefined;
  }
  const labels = name.split('.');
  return labels.length >= 3 ? labels[0] : undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The tenants `source` names: none, one, or several (a repeated query parameter). */
function read(source: ResolvedTenantSource, input: TenantInput): string[] {
  const named = (value: string | undefined): string[] => (value ? [value] : []);
  switch (source.from) {
    case 'claim':
      return named(input.identity.tenant);
    case 'param':
      return named(input.params[source.name]);
    case 'query':
      return input.query.getAll(source.name).filter(Boolean);
    case 'header':
      return named(header(input.headers, source.name));
    case 'subdomain':
      return named(subdomain(input.headers.host, source.baseDomain));
  }
}

/**
 * The connection's tenant: the first source that names one. A token that carries a tenant is
 * authoritative: every source is read, before and after `claim` in the list, and one naming a
 * different tenant is refused, so a token for tenant A never opens tenant B.
 */
export function resolveTenant(
  options: ResolvedTenancyOptions,
  input: TenantInput,
): string | undefined {
  const claimed = input.identity.tenant;
  let tenant: string | undefined;
  for (const source of options.sources) {
    for (const named of read(source, input)) {
      if (claimed !== undefined && named !== claimed) {
        throw new HeraldError(ErrorCodes.WS_FORBIDDEN, 'tenant does not match the token');
      }
      tenant ??= named;
    }
  }
  tenant ??= claimed;
  if (tenant === undefined) {
    if (options.required) throw new HeraldError(ErrorCodes.WS_FORBIDDEN, 'tenant is required');
    return undefined;
  }
  if (!tenantIdPattern.test(tenant)) {
    throw new HeraldError(ErrorCodes.WS_FORBIDDEN, 'tenant id is invalid');
  }
  return tenant;
}
