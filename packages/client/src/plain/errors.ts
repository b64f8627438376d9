/**
 * Base of the plain client's errors. Not a `HeraldError`: the plain client talks to services
 * outside Herald, so its errors carry close codes and HTTP statuses, not catalogue codes.
 */
export class WebSocketClientError extends Error {
  override name = 'WebSocketClientError';
}

/** The connection is closed (or closed while waiting); `code` and `reason` from the close frame. */
export class ConnectionClosedError extends WebSocketClientError {
  override name = 'ConnectionClosedError';
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`connection closed (${code}${reason ? ` ${reason}` : ''})`);
  }
}

/** The connection could not be opened (refused, timed out, or attempts exhausted). */
export class ConnectionFailedError extends WebSocketClientError {
  override name = 'ConnectionFailedError';
}

/** The server refused the handshake with 401 or 403: retrying with the same credentials is useless. */
export class AuthenticationError extends ConnectionFailedError {
  override name = 'AuthenticationError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A message exceeds `maxMessageSize`: on `send` nothing was sent; on receipt the connection was
 * closed with 1009 (`size` is then unknown).
 */
export class MessageTooLargeError extends WebSocketClientError {
  override name = 'MessageTooLargeError';
  constructor(
    readonly limit: number,
    readonly size?: number,
  ) {
    super(
      `message ${size === undefined ? '' : `of ${size} bytes `}exceeds the limit of ${limit} bytes`,
    );
  }
}

/** `recvJson` received a message that is not JSON. */
export class InvalidJsonError extends WebSocketClientError {
  override name = 'InvalidJsonError';
  constructor(
    readonly data: string,
    cause: unknown,
  ) {
    super(
      `received message is not valid JSON: ${cause instanceof Error ? cause.message : String(cause)} (starts with ${JSON.stringify(data.slice(0, 40))})`,
      { cause },
    );
  }
}
