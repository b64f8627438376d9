import type { ErrorCode, ErrorDetail } from '@herald/protocol';

/**
 * Codes the client itself produces, besides the server's catalogue (`ErrorCode`):
 * - `WS_TIMEOUT`: no answer in time (shared with the catalogue);
 * - `WS_DISCONNECTED`: the connection dropped before the answer came, so whether the server
 *   handled the request is unknown;
 * - `WS_CLIENT_CLOSED`: `close()` was called;
 * - `WS_QUEUE_FULL`: the offline queue was full and its policy dropped this message;
 * - `WS_RECONNECT_FAILED`: `maxAttempts` reconnects in a row failed.
 */
export type ClientErrorCode =
  'WS_DISCONNECTED' | 'WS_CLIENT_CLOSED' | 'WS_QUEUE_FULL' | 'WS_RECONNECT_FAILED';

/** Every error the Herald client rejects with or reports. Branch on `code`, not on `message`. */
export class HeraldError extends Error {
  override name = 'HeraldError';
  constructor(
    readonly code: ErrorCode | ClientErrorCode | (string & {}),
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }
}

/** A request or subscription was refused: `code` is the server's, from the error catalogue. */
export class RequestError extends HeraldError {
  override name = 'RequestError';
}

/** A request got no answer within its timeout. */
export class TimeoutError extends HeraldError {
  override name = 'TimeoutError';
  constructor(message: string) {
    super('WS_TIMEOUT', message);
  }
}
