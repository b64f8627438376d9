import { ErrorCodes, type ErrorCode, type ErrorDetail } from '@herald/protocol';

/** A refusal the HTTP API answers with `status` and a JSON body, like the gateway's error frames. */
export class HttpApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'HttpApiError';
  }

  get body(): { code: ErrorCode; message: string; details?: ErrorDetail[] } {
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
