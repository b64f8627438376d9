/**
 * The error-code catalogue. Every `error` frame carries one of these codes; the codes are stable
 * across versions so that clients may branch on them. Messages are for people and may change.
 * Codes marked temporary (see `isTemporaryError`) refuse a request for now, not for good.
 */
export const ErrorCodes = {
  /** The namespace requires authentication and none was given. */
  WS_AUTH_REQUIRED: 'WS_AUTH_REQUIRED',
  /** A token was given but could not be verified. */
  WS_AUTH_FAILED: 'WS_AUTH_FAILED',
  /** The token's expiry has passed. */
  WS_TOKEN_EXPIRED: 'WS_TOKEN_EXPIRED',
  /** The identity is known but may not do this. */
  WS_FORBIDDEN: 'WS_FORBIDDEN',
  /** The handshake's Origin header is not on the namespace's allow-list. */
  WS_ORIGIN_NOT_ALLOWED: 'WS_ORIGIN_NOT_ALLOWED',
  /** The frame is not valid: bad JSON, unknown type, a missing or mistyped field, a failed schema. */
  WS_MESSAGE_INVALID: 'WS_MESSAGE_INVALID',
  /** The frame or payload is larger than the namespace allows. */
  WS_PAYLOAD_TOO_LARGE: 'WS_PAYLOAD_TOO_LARGE',
  /** Too many messages in too short a time. Temporary. */
  WS_RATE_LIMIT_EXCEEDED: 'WS_RATE_LIMIT_EXCEEDED',
  /** The connection already holds as many subscriptions as it may. */
  WS_SUBSCRIPTION_LIMIT: 'WS_SUBSCRIPTION_LIMIT',
  /** The channel already has as many subscribers as it may. */
  WS_CHANNEL_FULL: 'WS_CHANNEL_FULL',
  /** A connection limit was reached (global, namespace, IP, user or tenant). */
  WS_CONNECTION_LIMIT: 'WS_CONNECTION_LIMIT',
  /** No handler for the event, or no such channel. */
  WS_NOT_FOUND: 'WS_NOT_FOUND',
  /** A request got no answer in time. Temporary. */
  WS_TIMEOUT: 'WS_TIMEOUT',
  /**
   * The gateway cannot serve this now (shutting down, broker unavailable) and did nothing: a
   * refused publication reached no one. Temporary: try again later, after a delay.
   */
  WS_UNAVAILABLE: 'WS_UNAVAILABLE',
  /**
   * The application's backend, which the gateway asks to decide (see docs/proxy.md), could not
   * answer: down, too slow, or answering what is not an answer. Temporary.
   */
  WS_BACKEND_UNAVAILABLE: 'WS_BACKEND_UNAVAILABLE',
  /** Something failed inside the gateway. Details are logged on the server, never sent. */
  WS_INTERNAL: 'WS_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

const temporaryCodes: ReadonlySet<string> = new Set<ErrorCode>([
  ErrorCodes.WS_UNAVAILABLE,
  ErrorCodes.WS_RATE_LIMIT_EXCEEDED,
  ErrorCodes.WS_TIMEOUT,
  ErrorCodes.WS_BACKEND_UNAVAILABLE,
]);

/**
 * Whether `code` refuses a request for now rather than for good: nothing was done, and the same
 * request may succeed when sent again after a delay (with backoff). Every other code is the
 * answer until something changes (the identity, the payload, the channel's policy). Clients (the
 * Herald SDK included) read this to decide whether to retry.
 */
export function isTemporaryError(code: string): boolean {
  return temporaryCodes.has(code);
}

/** One reason a frame or payload was refused: where (a dotted path) and why. */
export interface ErrorDetail {
  path: string;
  message: string;
}
