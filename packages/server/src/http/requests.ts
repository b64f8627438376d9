import { ErrorCodes, type ErrorDetail } from '@herald/protocol';
import { z } from 'zod';
import type { ChannelKeeps } from '../channels/channel-service.js';
import type { Gateway } from '../gateway.js';
import { HttpApiError, invalidRequest } from './http-error.js';

/** Clients never name the gateway's own `$` channels; neither does the API. */
export const channel = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^$]/, 'must not start with $')
  .describe('a channel name (not one of the gateway’s own `$` channels)');

/** With tenant isolation on: the tenant whose channel is meant. */
export const tenant = z.string().min(1).max(255).optional();

const name = z.string().min(1).max(255);

/** The fields that select connections; every one given must match. */
export const targetFields = {
  user: name.optional().describe('every connection of this user'),
  connection: name.optional().describe('one connection, by id'),
  tenant: tenant.describe('connections of this tenant'),
  role: name.optional().describe('connections whose identity has this role'),
  namespace: name.optional().describe('connections on the namespace declared with this pattern'),
};

export type TargetFields = { [K in keyof typeof targetFields]?: string };

/** Actions on connections need at least one target field: none would mean everyone. */
export const needsTarget = {
  check: (body: TargetFields): boolean =>
    Object.keys(targetFields).some((field) => body[field as keyof TargetFields] !== undefined),
  message: {
    message: `give at least one of ${Object.keys(targetFields).join(', ')}`,
    path: ['user'],
  },
};

/** The target fields given, as a gateway Target. */
export function targetOf(body: TargetFields): TargetFields {
  const target: TargetFields = {};
  for (const field of Object.keys(targetFields) as (keyof TargetFields)[]) {
    if (body[field] !== undefined) target[field] = body[field];
  }
  return target;
}

/** `{ tenant }` when one is given, for the gateway's TenantOption. */
export const tenantOption = (value: string | undefined): { tenant?: string } =>
  value === undefined ? {} : { tenant: value };

/** A channel whose policy keeps no history (or presence) has none to read: 404 rather than nothing. */
export function assertKeeps(gateway: Gateway, channel: string, what: keyof ChannelKeeps): void {
  if (gateway.channelKeeps(channel)[what]) return;
  throw new HttpApiError(404, ErrorCodes.WS_NOT_FOUND, `channel '${channel}' keeps no ${what}`, [
    { path: 'channel', message: `its policy has no ${what}` },
  ]);
}

/** Parses `value`; on failure throws a 400 naming every bad field. */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalidRequest(issueDetails(result.error.issues));
}

/** Each problem as `{ path, message }`, the path dotted (`requests.2.params.event`). */
export function issueDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : 'body',
    message: issue.message,
  }));
}
