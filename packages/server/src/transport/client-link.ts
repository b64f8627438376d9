import type { Writable } from 'node:stream';

/**
 * Where a connection's frames are written: the TCP socket under a WebSocket, or the streamed
 * HTTP response of a fallback transport. Both are Node writables with the same backpressure
 * signals (`writableLength`, `writableNeedDrain`, `drain`).
 */
export type FrameSink = Pick<
  Writable,
  | 'write'
  | 'cork'
  | 'uncork'
  | 'writableLength'
  | 'writableNeedDrain'
  | 'destroyed'
  | 'once'
  | 'off'
>;

/**
 * What a connection asks of the session that carries it: a `ws` WebSocket is one as it is; an
 * HTTP fallback session (see http-session-link.ts) is another.
 */
export interface ClientLink {
  readonly readyState: number;
  readonly OPEN: number;
  /** A heartbeat the client must answer (a WebSocket ping, or a `ping` frame over HTTP). */
  ping(): void;
  /** Ends the session with a close code and reason the client can read. */
  close(code: number, reason: string): void;
  /** Drops the session at once, without telling the client. */
  terminate(): void;
}
