import { ErrorCodes, type ErrorDetail } from '@herald/protocol';
import type { Logger } from 'pino';
import { httpStatusFor } from '../admission/refusal.js';
import { isHeraldError, type HeraldError } from '../errors.js';
import { HttpApiError } from './http-error.js';

export interface ErrorBody {
  code: string;
  message: string;
  details?: ErrorDetail[];
}

/**
 * The status and body that answer `error`: refusals keep their code and say why; anything else
 * is logged with `context` and answered as an internal error, leaking nothing.
 */
export function errorAnswer(
  error: unknown,
  logger: Logger,
  context: Record<string, unknown>,
): { status: number; body: ErrorBody } {
  if (error instanceof HttpApiError) return { status: error.status, body: error.body };
  if (isHeraldError(error)) {
    const body: ErrorBody = { code: error.code, message: error.message };
    if (error.details) body.details = error.details;
    return { status: heraldStatus(error.code), body };
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
