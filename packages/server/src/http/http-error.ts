import { ErrorCodes, type ErrorCode, type ErrorDetail } from '@herald/protocol';
import { HeraldError } from '../errors.js';

/** A refusal the HTTP API answers with `status` and a JSON body, like the gateway's error frames. */
export class HttpApiError extends HeraldError {
  override name = 'HttpApiError';
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
    details?: ErrorDetail[],
  ) {
    super(code, message, details);
  }
}

/** What the API answers for a refusal, as the gateway's error frames say it. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: ErrorDetail[];
}

export function errorBody(error: HeraldError): ErrorBody {
  return {
    code: error.code,
    message: error.message,
    ...(error.details && { details: error.details }),
  };
}

export const invalidRequest = (details: ErrorDetail[]): HttpApiError =>
  new HttpApiError(
    400,
    ErrorCodes.WS_MESSAGE_INVALID,
    `invalid request: ${details.map((d) => d.path).join(', ')}`,
    details,
  );
