import { ErrorCodes } from '@herald/protocol';
import type { Logger } from 'pino';
import { httpStatusFor } from '../admission/refusal.js';
import { isHeraldError, type HeraldError } from '../errors.js';
import { errorBody, HttpApiError, type ErrorBody } from './http-error.js';

/**
 * The status and body that answer `error`: refusals keep their code and say why; anything else
 * is logged with `context` and answered as an internal error, leaking nothing.
 */
export function errorAnswer(
  error: unknown,
  logger: Logger,
  context: Record<string, unknown>,
): { status: number; body: ErrorBody } {
  if (isHeraldError(error)) {
    const status = error instanceof HttpApiError ? error.status : heraldStatus(error.code);
    return { status, body: errorBody(error) };
  }
  logger.error({ err: error, ...context }, 'HTTP API failed');
  return { status: 500, body: { code: ErrorCodes.WS_INTERNAL, message: 'internal error' } };
}

/** The gateway's own refusals keep their code; those without an HTTP status of their own are 400. */
function heraldStatus(code: HeraldError['code']): number {
  if (code === ErrorCodes.WS_INTERNAL) return 500;
  const status = httpStatusFor(code);
  return status === 500 ? 400 : status;
}
