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

/** A publication inside an ack (subscribe recovery, history): its channel is the request's. */
export interface ChannelPublication {
  event: string;
  payload?: unknown;
  meta: PublicationMeta;
}

/** One connection in a channel's presence. */
export interface PresenceClient {
  connectionId: string;
  userId?: string;
  /** Given by the client in its `subscribe`, or by the server. */
  info?: unknown;
}

/** Ack payload of `subscribe`. `offset`/`epoch` are set on channels with history. */
export interface SubscribeResult {
  /**
   * Set when the subscribe carried `since`: whether every missed publication is delivered, in
   * `publications` or, when they do not fit in one answer, as publication frames right after it.
   */
  recovered?: boolean;
  offset?: number;
  epoch?: string;
  /** The missed publications when they fit in one answer; otherwise empty (they follow the ack). */
  publications?: ChannelPublication[];
}

/** Ack payload of `history`: the publications and the stream's current top. */
export interface HistoryResult {
  publications: ChannelPublication[];
  offset: number;
  epoch: string;
  /**
   * Set when more publications lie beyond this page in the direction read: send it as `since`
   * (with the same `reverse`) for the next page.
   */
  next?: StreamPosition;
}

/** Ack payload of `presence`. */
export interface PresenceResult {
  clients: PresenceClient[];
}

/** Ack payload of `presenceStats`. */
export interface PresenceStats {
  connections: number;
  users: number;
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
  /** A subscription token: a JWT whose `channel` claim names this channel. */
  token?: string;
  /** Shown to others in the channel's presence (an object). */
  info?: Record<string, unknown>;
}

/** Publishes to a channel from the client, when the channel's policy allows it. */
export interface PublishFrame {
  type: 'publish';
  channel: string;
  event: string;
  payload?: unknown;
  id?: FrameId;
}

/**
 * Reads a channel's history. Forward: publications after `since` (oldest first). With `reverse`:
 * publications before `since`, newest first, for paging back. `limit` caps the count.
 */
export interface HistoryFrame {
  type: 'history';
  channel: string;
  since?: StreamPosition;
  limit?: number;
  reverse?: boolean;
  id?: FrameId;
}

export interface PresenceFrame {
  type: 'presence';
  channel: string;
  id?: FrameId;
}

export interface PresenceStatsFrame {
  type: 'presenceStats';
  channel: string;
  id?: FrameId;
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

/** Someone subscribed to (`join`) or left (`leave`) a channel with join/leave events on. */
export interface PresenceEventFrame {
  type: 'join' | 'leave';
  channel: string;
  client: PresenceClient;
}

/** Client frames that act on one channel and are answered by id. */
export type ChannelRequestFrame =
  | SubscribeFrame
  | UnsubscribeFrame
  | PublishFrame
  | HistoryFrame
  | PresenceFrame
  | PresenceStatsFrame;

export type ClientFrame =
  | EventFrame
  | AckFrame
  | ErrorFrame
  | PingFrame
  | PongFrame
  | SubscribeFrame
  | UnsubscribeFrame
  | AuthFrame
  | PublishFrame
  | HistoryFrame
  | PresenceFrame
  | PresenceStatsFrame;

export type ServerFrame =
  EventFrame | AckFrame | ErrorFrame | PingFrame | PongFrame | SystemFrame | PresenceEventFrame;

export type ClientFrameType = ClientFrame['type'];
export type ServerFrameType = ServerFrame['type'];

/** The payload of the `system` `shutdown` frame. */
export interface ShutdownNotice {
  reason: string;
  /** Suggested upper bound, in milliseconds, of the random delay before reconnecting. */
  reconnectWithin: number;
}

/**
 * The payload of the `system` `connected` frame: the session is accepted. Sent once per
 * connection, after authentication passed and the namespace's `onConnect` hooks ran (frames those
 * hooks sent, and the ack of an in-band `auth` frame, come before it).
 */
export interface ConnectedNotice {
  connectionId: string;
  /** When the session's credentials expire (ms since epoch), when they do. */
  expiresAt?: number;
}

/**
 * The payload of the `system` `subscribed` frame: the server subscribed the connection to a
 * channel; its publications follow.
 */
export interface SubscribedNotice {
  channel: string;
  reason: string;
}

/** The payload of the `system` `unsubscribed` frame: the server ended a subscription. */
export interface UnsubscribedNotice {
  channel: string;
  reason: string;
}

/**
 * The payload of the `system` `reset` frame: a channel's stream restarted (`epoch`: its history
 * was lost, a new epoch began) or this node missed publications it could not read back from
 * history (`gap`). The subscription continues from `offset`/`epoch`: reload what the channel's
 * publications build up, as after a subscribe answered `recovered: false`.
 */
export interface StreamResetNotice extends StreamPosition {
  channel: string;
  reason: 'epoch' | 'gap';
}
