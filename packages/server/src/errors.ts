import { ErrorCodes, type ErrorCode, type ErrorDetail } from '@herald/protocol';

/**
 * An error meant for the client: thrown from a handler, guard or middleware, it becomes an
 * `error` frame with this code, message and details. Any other thrown value becomes
 * `WS_INTERNAL` and is logged, never sent.
 */
export class HeraldError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetail[]) {
    super(message);
    this.name = 'HeraldError';
    this.code = code;
    this.details = details;
  }
}

export function isHeraldError(value: unknown): value is HeraldError {
  return value instanceof HeraldError;
}

export const internalError = (): HeraldError =>
  new HeraldError(ErrorCodes.WS_INTERNAL, 'internal error');

/** Thrown at start-up for a bad option; the message names the field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A client's `error` answer to a server→client request; `code` is whatever the client sent. */
export class ClientRejection extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'ClientRejection';
  }
}
