import type { WebSocket } from 'ws';
import {
  CloseCodes,
  ErrorCodes,
  type Codec,
  type ErrorCode,
  type ErrorFrame,
} from '@herald/protocol';
import type { Logger } from 'pino';
import { clientAnswer, HeraldError, internalError } from '../errors.js';

interface Entry {
  close: number;
  status: number;
  stat: string;
}

/**
 * Why a handshake or a live connection is refused, mapped once to close codes, statuses and stats
 * (the audit action: audit/refusal-record.ts).
 */
const table: Partial<Record<ErrorCode, Entry>> = {
  [ErrorCodes.WS_AUTH_REQUIRED]: {
    close: CloseCodes.AUTH_FAILED,
    status: 401,
    stat: 'unauthenticated',
  },
  [ErrorCodes.WS_AUTH_FAILED]: {
    close: CloseCodes.AUTH_FAILED,
    status: 401,
    stat: 'unauthenticated',
  },
  [ErrorCodes.WS_TOKEN_EXPIRED]: {
    close: CloseCodes.TOKEN_EXPIRED,
    status: 401,
    stat: 'token_expired',
  },
  [ErrorCodes.WS_FORBIDDEN]: {
    close: CloseCodes.FORBIDDEN,
    status: 403,
    stat: 'forbidden',
  },
  [ErrorCodes.WS_ORIGIN_NOT_ALLOWED]: {
    close: CloseCodes.FORBIDDEN,
    status: 403,
    stat: 'origin',
  },
  [ErrorCodes.WS_CONNECTION_LIMIT]: {
    close: CloseCodes.LIMIT_EXCEEDED,
    status: 429,
    stat: 'limit',
  },
  [ErrorCodes.WS_RATE_LIMIT_EXCEEDED]: {
    close: CloseCodes.LIMIT_EXCEEDED,
    status: 429,
    stat: 'rate_limit',
  },
  [ErrorCodes.WS_UNAVAILABLE]: {
    close: CloseCodes.TRY_AGAIN_LATER,
    status: 503,
    stat: 'unavailable',
  },
  [ErrorCodes.WS_BACKEND_UNAVAILABLE]: {
    close: CloseCodes.TRY_AGAIN_LATER,
    status: 503,
    stat: 'backend_unavailable',
  },
};

const internal: Entry = { close: CloseCodes.INTERNAL_ERROR, status: 500, stat: 'error' };

/** An application's own code (not in the catalogue) is refused like an internal error. */
const entryFor = (code: HeraldError['code']) => table[code as ErrorCode] ?? internal;

export const closeCodeFor = (code: HeraldError['code']): number => entryFor(code).close;
export const httpStatusFor = (code: HeraldError['code']): number => entryFor(code).status;
/** The `stats().rejected` reason a refusal is counted under. */
export const rejectionReason = (code: HeraldError['code']): string => entryFor(code).stat;

/** A HeraldError as is; anything else is logged and becomes WS_INTERNAL, leaking nothing. */
export function asRefusal(error: unknown, logger: Logger, what: string): HeraldError {
  const answer = clientAnswer(error);
  if (answer) return answer;
  logger.error({ err: error }, `${what} failed`);
  return internalError();
}

/** Close reasons must fit a control frame (123 bytes). */
export const closeReason = (message: string): string =>
  Buffer.byteLength(message) <= 123 ? message : message.slice(0, 60);

/**
 * Refuses an accepted socket (or HTTP session) that never became a connection: one error frame
 * saying why, then the close code, so that browsers (which cannot read a refused upgrade's
 * status) learn the reason.
 */
export function closeWithError(
  ws: Pick<WebSocket, 'send' | 'close'>,
  codec: Codec,
  error: HeraldError,
): void {
  const frame: ErrorFrame = { type: 'error', code: error.code, message: error.message };
  ws.send(codec.encode(frame));
  ws.close(closeCodeFor(error.code), closeReason(error.message));
}
