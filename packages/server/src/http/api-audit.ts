import type { IncomingMessage } from 'node:http';
import { sourceFields, type AuditAction, type AuditFields } from '../audit/audit-record.js';
import type { Gateway } from '../gateway.js';

/** The audit action of an API endpoint, from its path: `/publish` → `api.publish`, `/a/b` → `api.a.b`. */
export function apiAction(path: string): AuditAction {
  const name = path.split('/').filter(Boolean).join('.');
  return `api.${name || 'root'}`;
}

export interface ApiRequestRecord {
  /** `api.<endpoint>`, or the refusal's action for a request refused for its credentials. */
  action: AuditAction;
  /** Who asked: `api-key`, `jwt:<sub>` for an admin token, or `anonymous` for an open API. */
  actor: string;
  path: string;
  /** What the request named: its query, and its JSON body if a route read one. */
  input: { query: URLSearchParams; body: unknown };
  status: number;
  /** The answer's body. */
  body: unknown;
}

/**
 * Records one API request: who, what, the answer's status and, for a refusal, its code and
 * message (the body the caller got). The key itself is never part of a record.
 */
export function recordApiRequest(
  gateway: Gateway,
  req: IncomingMessage,
  { action, actor, path, input, status, body }: ApiRequestRecord,
): void {
  const { audit } = gateway;
  if (!audit.enabled) return;
  const fields: AuditFields = {
    ...(action.startsWith('api.') ? { actor } : { via: 'api' }),
    method: req.method ?? 'GET',
    path,
    status,
    ...sourceFields(req.headers, gateway.clientAddress(req)),
  };
  // Which channel (and tenant) an endpoint acted on, whatever the endpoint.
  for (const key of ['channel', 'tenant'] as const) {
    const value = named(input, key);
    if (value !== undefined) fields[key] = value;
  }
  if (status >= 400 && typeof body === 'object' && body !== null) {
    const { code, message } = body as { code?: unknown; message?: unknown };
    if (typeof code === 'string') fields.code = code;
    if (typeof message === 'string') fields.reason = message;
  }
  audit.record(action, fields);
}

function named(input: ApiRequestRecord['input'], key: string): string | undefined {
  const { body, query } = input;
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  if (typeof value === 'string') return value;
  return query.get(key) ?? undefined;
}
