/**
 * The close-code table. For each code: what it means and what a client should do about it.
 * Clients (the Herald SDK included) read `reconnect` to decide whether and when to reconnect.
 */

/**
 * - `no`: do not reconnect; a person or the application must act first.
 * - `backoff`: reconnect with exponential backoff and full jitter.
 * - `jitter`: reconnect soon, after a short random delay (spreads a herd after a restart).
 * - `later`: reconnect, but only after a long delay (a limit was hit).
 * - `after-refresh`: get a new token, then reconnect.
 */
export type ReconnectAdvice = 'no' | 'backoff' | 'jitter' | 'later' | 'after-refresh';

export interface CloseCodeInfo {
  code: number;
  name: string;
  meaning: string;
  reconnect: ReconnectAdvice;
}

export const CloseCodes = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  ABNORMAL: 1006,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  AUTH_FAILED: 4001,
  FORBIDDEN: 4003,
  LIMIT_EXCEEDED: 4008,
  SLOW_CONSUMER: 4009,
  TOKEN_EXPIRED: 4010,
  KICKED: 4011,
} as const;

export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

const table: readonly CloseCodeInfo[] = [
  { code: 1000, name: 'NORMAL', meaning: 'Closed on purpose by either side.', reconnect: 'no' },
  {
    code: 1001,
    name: 'GOING_AWAY',
    meaning: 'The gateway is shutting down or restarting (a `system` `shutdown` frame came first).',
    reconnect: 'jitter',
  },
  {
    code: 1002,
    name: 'PROTOCOL_ERROR',
    meaning: 'The peer broke the WebSocket protocol.',
    reconnect: 'backoff',
  },
  {
    code: 1006,
    name: 'ABNORMAL',
    meaning: 'The socket dropped without a close frame (network loss, killed process). Never sent.',
    reconnect: 'backoff',
  },
  {
    code: 1008,
    name: 'POLICY_VIOLATION',
    meaning:
      'The connection broke a gateway policy not covered by a more precise code, such as sending a message in more than 16,384 fragments.',
    reconnect: 'no',
  },
  {
    code: 1009,
    name: 'MESSAGE_TOO_BIG',
    meaning:
      'A message was larger than the namespace `maxMessageSize`, in one frame or in fragments.',
    reconnect: 'backoff',
  },
  {
    code: 1011,
    name: 'INTERNAL_ERROR',
    meaning: 'The gateway hit an unexpected condition.',
    reconnect: 'backoff',
  },
  {
    code: 1012,
    name: 'SERVICE_RESTART',
    meaning: 'The gateway is restarting.',
    reconnect: 'jitter',
  },
  {
    code: 1013,
    name: 'TRY_AGAIN_LATER',
    meaning: 'The gateway is overloaded.',
    reconnect: 'later',
  },
  {
    code: 4001,
    name: 'AUTH_FAILED',
    meaning: 'Authentication was missing, invalid or too late (no `auth` frame in time).',
    reconnect: 'no',
  },
  {
    code: 4003,
    name: 'FORBIDDEN',
    meaning: 'The identity or origin may not use this namespace.',
    reconnect: 'no',
  },
  {
    code: 4008,
    name: 'LIMIT_EXCEEDED',
    meaning: 'A connection limit or a repeated rate limit was exceeded.',
    reconnect: 'later',
  },
  {
    code: 4009,
    name: 'SLOW_CONSUMER',
    meaning: 'The client read too slowly and its outbound queue overflowed.',
    reconnect: 'backoff',
  },
  {
    code: 4010,
    name: 'TOKEN_EXPIRED',
    meaning: 'The token expired and was not refreshed in-band in time.',
    reconnect: 'after-refresh',
  },
  {
    code: 4011,
    name: 'KICKED',
    meaning: 'The server disconnected this connection on purpose (an operator or the application).',
    reconnect: 'no',
  },
];

export const closeCodeTable: ReadonlyMap<number, CloseCodeInfo> = new Map(
  table.map((info) => [info.code, info]),
);

/**
 * What a client should do after a close with `code`. Unknown codes: 4000–4999 are
 * application codes, treated as `no`; anything else as `backoff`.
 */
export function reconnectAdvice(code: number): ReconnectAdvice {
  const known = closeCodeTable.get(code);
  if (known) return known.reconnect;
  return code >= 4000 && code <= 4999 ? 'no' : 'backoff';
}
