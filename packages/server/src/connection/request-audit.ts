import { ErrorCodes, type ChannelRequestFrame } from '@herald/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import { subjectFields, type AuditAction, type AuditSubject } from '../audit/audit-record.js';
import type { HeraldError } from '../errors.js';

/** Codes that mean "not you": missing or refused credentials, or a policy that says no. */
const forbidding = new Set<string>([
  ErrorCodes.WS_FORBIDDEN,
  ErrorCodes.WS_AUTH_REQUIRED,
  ErrorCodes.WS_AUTH_FAILED,
  ErrorCodes.WS_TOKEN_EXPIRED,
]);

const forbiddenAction: Partial<Record<ChannelRequestFrame['type'], AuditAction>> = {
  subscribe: 'subscribe.forbidden',
  publish: 'publish.forbidden',
  history: 'history.forbidden',
  presence: 'presence.forbidden',
  presenceStats: 'presence.forbidden',
};

const limits: Partial<Record<string, string>> = {
  [ErrorCodes.WS_SUBSCRIPTION_LIMIT]: 'subscriptions',
  [ErrorCodes.WS_CHANNEL_FULL]: 'subscribers',
};

/**
 * Records a client's channel request refused for who it is (`subscribe.forbidden`, ...) or for a
 * limit (`limit.refused`); other refusals (bad input, unknown channels) are not security events.
 */
export function recordChannelRefusal(
  audit: AuditLog,
  connection: AuditSubject,
  frame: ChannelRequestFrame,
  refusal: HeraldError,
): void {
  if (!audit.enabled) return;
  const limit = limits[refusal.code];
  const action = limit
    ? 'limit.refused'
    : forbidding.has(refusal.code) && forbiddenAction[frame.type];
  if (!action) return;
  audit.record(action, {
    ...subjectFields(connection),
    channel: frame.channel,
    code: refusal.code,
    reason: refusal.message,
    ...(limit && { limit }),
  });
}
