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

  get body(): { code: string; message: string; details?: ErrorDetail[] } {
    return {
      code: this.code,
      message: this.message,
      ...(this.details && { details: this.details }),
    };
  }
}

export const invalidRequest = (details: ErrorDetail[]): HttpApiError =>
  new HttpApiError(
    400,
    ErrorCodes.WS_MESSAGE_INVALID,
    `invalid request: ${details.map((d) => d.path).join(', ')}`,
    details,
  );
