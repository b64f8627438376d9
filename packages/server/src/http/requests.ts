import type { ErrorDetail } from '@herald/protocol';
import { z } from 'zod';
import { invalidRequest } from './http-error.js';

/** Clients never name the gateway's own `$` channels; neither does the API. */
const channel = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !name.startsWith('$'), 'must not start with $');

/** With tenant isolation on: the tenant whose channel is meant. */
const tenant = z.string().min(1).max(255).optional();

export const presenceQuery = z.object({ channel, tenant });

export const publishRequest = z.object({
  channel,
  tenant,
  event: z.string().min(1).max(255),
  payload: z.unknown().optional(),
});

export const disconnectRequest = z
  .object({
    user: z.string().min(1).optional(),
    connection: z.string().min(1).optional(),
    // 4000–4999 are the application's close codes; the gateway's default is 4011 (kicked).
    code: z.number().int().min(4000).max(4999).optional(),
    // A close reason must fit in a control frame.
    reason: z.string().max(100).optional(),
  })
  .refine((body) => body.user !== undefined || body.connection !== undefined, {
    message: 'give user or connection',
    path: ['user'],
  });

/** Parses `value`; on failure throws a 400 naming every bad field. */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : 'body',
    message: issue.message,
  }));
  throw invalidRequest(details);
}
