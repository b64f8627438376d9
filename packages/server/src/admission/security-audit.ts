import type { IncomingHttpHeaders } from 'node:http';
import { ErrorCodes } from '@herald/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import {
  sourceFields,
  subjectFields,
  type AuditFields,
  type AuditSubject,
} from '../audit/audit-record.js';
import type { Identity } from '../connection/identity.js';
import type { HeraldError } from '../errors.js';
import { auditActionFor } from './refusal.js';

// What `Security` records in the audit log: its refusals, rate limiting and token refreshes.

/** What a handshake tells about who asked and from where, before there is a connection. */
export function handshakeFields(
  namespace: { readonly pattern: { readonly source: string } },
  handshake: { request: { headers: IncomingHttpHeaders }; remoteAddress: string },
  identity: Identity | undefined,
): AuditFields {
  const fields: AuditFields = {
    namespace: namespace.pattern.source,
    ...sourceFields(handshake.request.headers, handshake.remoteAddress),
  };
  if (identity?.userId !== undefined) fields.userId = identity.userId;
  if (identity?.tenant !== undefined) fields.tenant = identity.tenant;
  return fields;
}

/**
 * Records a refusal under its code's action (see refusal.ts; outages and faults are not
 * recorded): `via` says at which step, `who` who was refused (built only when recorded).
 */
export function recordRefusal(
  audit: AuditLog,
  error: HeraldError,
  via: 'handshake' | 'auth' | 'refresh',
  who: () => AuditFields,
): void {
  const action = auditActionFor(error.code);
  if (!action || !audit.enabled) return;
  const fields: AuditFields = { ...who(), code: error.code, reason: error.message, via };
  if (error.code === ErrorCodes.WS_CONNECTION_LIMIT) fields.limit = 'connections';
  audit.record(action, fields);
}

/** A message refused by the rate limits. */
export function recordRateLimited(
  audit: AuditLog,
  connection: AuditSubject,
  refusal: { code: string; message: string },
): void {
  if (!audit.enabled) return;
  const { code, message } = refusal;
  audit.record('rate_limit.refused', {
    ...subjectFields(connection),
    code,
    reason: message,
    limit: 'messages',
  });
}

/** An `auth` frame renewed the connection's credentials (its identity is the new one). */
export function recordRefresh(
  audit: AuditLog,
  connection: AuditSubject & { readonly identity: { readonly expiresAt?: number } },
): void {
  if (!audit.enabled) return;
  const { expiresAt } = connection.identity;
  audit.record('token.refreshed', {
    ...subjectFields(connection),
    ...(expiresAt !== undefined && { expiresAt: new Date(expiresAt).toISOString() }),
  });
}
