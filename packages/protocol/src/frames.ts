import type { ErrorCode, ErrorDetail } from './error-codes.js';

/** A request id: chosen by the sender, echoed in exactly one `ack` or `error`. */
export type FrameId = string | number;

/** A position in a channel's history stream; `epoch` changes when the stream's history is lost. */
export interface StreamPosition {
  offset: number;
  epoch: string;
}

/** Where a channel publication sits in its stream, and when it was published. */
export interface PublicationMeta {
  offset?: number;
  epoch?: string;
  ts: number;
}

// ---- frames both sides send -------------------------------------------------------------------

/** An application event. From a client: handled by the namespace's handler for `event`. */
export interface EventFrame {
  type: 'event';
  event: string;
  payload?: unknown;
  /** Asks for an `ack` or `error` with the same id. */
  id?: FrameId;
  /** Set on server→client frames that carry a channel publication. */
  channel?: string;
  /** Set with `channel`. */
  meta?: PublicationMeta;
}

/** The answer to a frame that had an `id`. */
export interface AckFrame {
  type: 'ack';
  id: FrameId;
  payload?: unknown;
}

/** A refusal. With `id` it answers that frame; without, it concerns the connection. */
export interface ErrorFrame {
  type: 'error';
  id?: FrameId;
  code: ErrorCode | string;
  message: string;
  details?: ErrorDetail[];
}

/** Application-level heartbeat (browsers cannot send WebSocket ping frames). */
export interface PingFrame {
  type: 'ping';
}

export interface PongFrame {
  type: 'pong';
}

// ---- client → server only ---------------------------------------------------------------------

export interface SubscribeFrame {
  type: 'subscribe';
  channel: string;
  id?: FrameId;
  /** Recover what was published after this position (channels with history). */
  since?: StreamPosition;
}

export interface UnsubscribeFrame {
  type: 'unsubscribe';
  channel: string;
  id?: FrameId;
}

/** In-band authentication, and token refresh on a live connection. */
export interface AuthFrame {
  type: 'auth';
  token: string;
  id?: FrameId;
}

// ---- server → client only ---------------------------------------------------------------------

/** A notice from the gateway itself, such as `shutdown`. */
export interface SystemFrame {
  type: 'system';
  event: string;
  payload?: unknown;
}

export type ClientFrame =
  | EventFrame
  | AckFrame
  | ErrorFrame
  | PingFrame
  | PongFrame
  | SubscribeFrame
  | UnsubscribeFrame
  | AuthFrame;

export type ServerFrame = EventFrame | AckFrame | ErrorFrame | PingFrame | PongFrame | SystemFrame;

export type ClientFrameType = ClientFrame['type'];
export type ServerFrameType = ServerFrame['type'];

/** The payload of the `system` `shutdown` frame. */
export interface ShutdownNotice {
  reason: string;
  /** Suggested upper bound, in milliseconds, of the random delay before reconnecting. */
  reconnectWithin: number;
}
