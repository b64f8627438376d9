import type { IncomingHttpHeaders } from 'node:http';
import type { AuditLog } from '../audit/audit-log.js';
import {
  sourceFields,
  subjectFields,
  type AuditFields,
  type AuditSubject,
} from '../audit/audit-record.js';
import type { Identity } from '../connection/identity.js';
import type { HeraldError } from '../errors.js';
import { recordRefusal } from '../audit/refusal-record.js';

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

/** A refusal at a step of admission (see audit/refusal-record.ts): `via` says which step. */
export function recordAdmissionRefusal(
  audit: AuditLog,
  error: HeraldError,
  via: 'handshake' | 'auth' | 'refresh',
  who: () => AuditFields,
): void {
  recordRefusal(audit, error, () => ({ ...who(), via }));
}

/** A message refused by the rate limits. */
export function recordRateLimited(
  audit: AuditLog,
  connection: AuditSubject,
  refusal: { code: string; message: string },
): void {
  recordRefusal(audit, refusal, () => ({ ...subjectFields(connection), limit: 'messages' }));
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
