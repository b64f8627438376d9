import { ErrorCodes, HeraldError, isHeraldError, type ErrorDetail } from '@herald/protocol';

/**
 * `HeraldError` is the protocol's one error base (`code`, `message`, `details`). On the server it
 * is an error meant for the client: thrown from a handler, guard or middleware, it becomes an
 * `error` frame with this code, message and details. Any other thrown value becomes `WS_INTERNAL`
 * and is logged, never sent.
 */
export { HeraldError, isHeraldError };

export const internalError = (): HeraldError =>
  new HeraldError(ErrorCodes.WS_INTERNAL, 'internal error');

/** Thrown at start-up for a bad option; the message names the field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * A client's `error` answer to a server→client request; `code` is whatever the client sent. Let
 * through a handler or hook, it answers `WS_INTERNAL` (see `clientAnswer`).
 */
export class ClientRejection extends HeraldError {
  override name = 'ClientRejection';
  constructor(code: string, message: string, details?: ErrorDetail[]) {
    super(code, message, details);
  }
}

/**
 * The error a thrown value answers the client with, or undefined when it is a fault (logged, and
 * answered `WS_INTERNAL`): a HeraldError is an answer, except a `ClientRejection`, whose code is
 * whatever some client sent and is not the server's to pass on.
 */
export function clientAnswer(error: unknown): HeraldError | undefined {
  return isHeraldError(error) && !(error instanceof ClientRejection) ? error : undefined;
}
