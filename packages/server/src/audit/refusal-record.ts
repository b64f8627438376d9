import { ErrorCodes, type ChannelRequestFrame } from '@herald/protocol';
import type { AuditLog } from './audit-log.js';
import type { AuditAction, AuditFields } from './audit-record.js';

/**
 * How a refusal is recorded, by its code: the action and, for a limit, which one. Codes not here
 * (bad input, unknown channels, outages, faults) are not security events.
 */
const recorded: Partial<Record<string, { action: AuditAction; limit?: string }>> = {
  [ErrorCodes.WS_AUTH_REQUIRED]: { action: 'auth.failed' },
  [ErrorCodes.WS_AUTH_FAILED]: { action: 'auth.failed' },
  [ErrorCodes.WS_TOKEN_EXPIRED]: { action: 'auth.failed' },
  [ErrorCodes.WS_FORBIDDEN]: { action: 'connection.forbidden' },
  [ErrorCodes.WS_ORIGIN_NOT_ALLOWED]: { action: 'origin.refused' },
  [ErrorCodes.WS_RATE_LIMIT_EXCEEDED]: { action: 'rate_limit.refused' },
  [ErrorCodes.WS_CONNECTION_LIMIT]: { action: 'limit.refused', limit: 'connections' },
  [ErrorCodes.WS_SUBSCRIPTION_LIMIT]: { action: 'limit.refused', limit: 'subscriptions' },
  [ErrorCodes.WS_CHANNEL_FULL]: { action: 'limit.refused', limit: 'subscribers' },
};

/** A channel request refused for who asks (credentials or policy) is recorded per request type. */
const forbidden: Partial<Record<ChannelRequestFrame['type'], AuditAction>> = {
  subscribe: 'subscribe.forbidden',
  publish: 'publish.forbidden',
  history: 'history.forbidden',
  presence: 'presence.forbidden',
  presenceStats: 'presence.forbidden',
};

/** The action a refusal with `code` is recorded as; none for what is no security event. */
export function refusalAction(code: string): AuditAction | undefined {
  return recorded[code]?.action;
}

function actionFor(
  code: string,
  request: ChannelRequestFrame['type'] | undefined,
): AuditAction | undefined {
  const action = refusalAction(code);
  if (request === undefined || action === 'limit.refused') return action;
  return action === 'auth.failed' || action === 'connection.forbidden'
    ? forbidden[request]
    : undefined;
}

/**
 * Records a refusal under the action its code maps to, with its code and message: `context` says
 * who was refused and where (built only when a record is written); `request`, the channel request
 * refused, if it was one.
 */
export function recordRefusal(
  audit: AuditLog,
  refusal: { code: string; message: string },
  context: () => AuditFields,
  request?: ChannelRequestFrame['type'],
): void {
  if (!audit.enabled) return;
  const action = actionFor(refusal.code, request);
  if (action === undefined) return;
  const limit = recorded[refusal.code]?.limit;
  audit.record(action, {
    ...context(),
    code: refusal.code,
    reason: refusal.message,
    ...(limit !== undefined && { limit }),
  });
}
