import { isTemporaryError, type ErrorCode, type ErrorDetail } from './error-codes.js';

/**
 * An error with a stable `code`: the one error base of Herald, on both sides of the wire. A code
 * from the catalogue (`ErrorCode`) or one of an application's own; branch on `code`, not on
 * `message`, which is for people.
 */
export class HeraldError extends Error {
  override name = 'HeraldError';
  /**
   * Refused for now, not for good: the code is temporary in the error catalogue
   * (`isTemporaryError`: `WS_UNAVAILABLE`, `WS_RATE_LIMIT_EXCEEDED`, `WS_TIMEOUT`,
   * `WS_BACKEND_UNAVAILABLE`), so the same
   * request may succeed when sent again after a delay.
   */
  readonly temporary: boolean;

  constructor(
    readonly code: ErrorCode | (string & {}),
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.temporary = isTemporaryError(code);
  }
}

export function isHeraldError(value: unknown): value is HeraldError {
  return value instanceof HeraldError;
}
