import { HeraldError } from '@herald/protocol';

/**
 * Every error the Herald client rejects with or reports is a `HeraldError` (the protocol's one
 * error base, with `code`, `details` and `temporary`). Branch on `code`, not on `message`; a
 * subscription retries by itself after a `temporary` refusal.
 */
export { HeraldError };

/**
 * Codes the client itself produces, besides the server's catalogue (`ErrorCode`):
 * - `WS_TIMEOUT`: no answer in time (shared with the catalogue);
 * - `WS_DISCONNECTED`: the connection dropped before the answer came, so whether the server
 *   handled the request is unknown;
 * - `WS_CLIENT_CLOSED`: `close()` was called;
 * - `WS_QUEUE_FULL`: the offline queue was full and its policy dropped this message;
 * - `WS_RECONNECT_FAILED`: `maxAttempts` reconnects in a row failed.
 * (`WS_TIMEOUT` also when no session was accepted within `connectTimeout`.)
 */
export type ClientErrorCode =
  'WS_DISCONNECTED' | 'WS_CLIENT_CLOSED' | 'WS_QUEUE_FULL' | 'WS_RECONNECT_FAILED';

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

/** How a connection ended. */
export interface CloseInfo {
  /** The WebSocket close code; 1006 when the socket dropped or never opened (connect timeout). */
  closeCode: number;
  closeReason: string;
  /** Whether the client goes on trying (per the close-code table and the reconnect options). */
  willReconnect: boolean;
}

/**
 * A connection closed, or never got an accepted session. `code` is the gateway's own code when
 * it said why before closing (`WS_AUTH_FAILED`, `WS_FORBIDDEN`, `WS_TOKEN_EXPIRED`, …), else
 * `WS_TIMEOUT` (connect timeout), `WS_DISCONNECTED` or `WS_CLIENT_CLOSED`.
 */
export class ConnectionError extends HeraldError implements CloseInfo {
  override name = 'ConnectionError';
  readonly closeCode: number;
  readonly closeReason: string;
  readonly willReconnect: boolean;
  /** For a connection, whether it clears up by itself: the client goes on (`willReconnect`). */
  override readonly temporary: boolean;
  constructor(code: HeraldError['code'], message: string, close: CloseInfo) {
    super(code, message);
    this.closeCode = close.closeCode;
    this.closeReason = close.closeReason;
    this.willReconnect = close.willReconnect;
    this.temporary = close.willReconnect;
  }
}
