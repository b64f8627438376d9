/** Channels starting with `$` belong to the gateway (namespace broadcast); clients cannot name them. */
export const reservedChannelPrefix = '$';

export const namespaceChannel = (pattern: string): string =>
  `${reservedChannelPrefix}ns:${pattern}`;

/**
 * The one place that maps client-visible channel names to internal ones. With tenant isolation,
 * tenant `acme`'s `general` is `$t:acme:general` inside the gateway, the broker, presence and
 * history; clients only ever see `general`, and cannot name a `$` channel themselves.
 */
const tenantPrefix = `${reservedChannelPrefix}t:`;

/** Tenant ids are safe inside channel names and logs: no `:`, no spaces. */
export const tenantIdPattern = /^[A-Za-z0-9_.-]{1,64}$/;

/** The internal name of `channel` for `tenant` (unchanged without a tenant). */
export function scopeChannel(channel: string, tenant: string | undefined): string {
  return tenant === undefined ? channel : `${tenantPrefix}${tenant}:${channel}`;
}

/** The channel every connection of a tenant is in, for tenant broadcast. */
export function tenantChannel(tenant: string): string {
  return scopeChannel(`${reservedChannelPrefix}all`, tenant);
}

/**
 * The name a client sees for an internal channel: unscoped, or undefined for the gateway's own
 * broadcast channels, whose publications reach clients as plain server events.
 */
export function visibleChannel(internal: string): string | undefined {
  if (!internal.startsWith(reservedChannelPrefix)) return internal;
  if (!internal.startsWith(tenantPrefix)) return undefined;
  const name = internal.slice(internal.indexOf(':', tenantPrefix.length) + 1);
  return name.startsWith(reservedChannelPrefix) ? undefined : name;
}

/**
 * An internal channel as the API lists it: its client-visible name and, under tenant isolation,
 * its tenant; undefined for the gateway's own channels (namespace and tenant broadcast).
 */
export function describeChannel(
  internal: string,
): { channel: string; tenant?: string } | undefined {
  if (!internal.startsWith(reservedChannelPrefix)) return { channel: internal };
  if (!internal.startsWith(tenantPrefix)) return undefined;
  const end = internal.indexOf(':', tenantPrefix.length);
  const channel = internal.slice(end + 1);
  if (channel.startsWith(reservedChannelPrefix)) return undefined;
  return { channel, tenant: internal.slice(tenantPrefix.length, end) };
}
