import {
  ErrorCodes,
  parseClientFrame,
  type AuthFrame,
  type ChannelRequestFrame,
  type ClientFrame,
  type DecodeOptions,
  type DecodeResult,
  type FrameId,
} from '@herald/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import { subjectFields } from '../audit/audit-record.js';
import { recordRefusal } from '../audit/refusal-record.js';
import type { ChannelService } from '../channels/channel-service.js';
import type { SocketConnection } from './socket-connection.js';
import { ClientRejection, clientAnswer, HeraldError, internalError } from '../errors.js';
import { reservedChannelPrefix } from '../channels/channel-names.js';

/** Pre-encoded answers sent often enough to be worth encoding once per codec. */
export interface ConstantFrames {
  pong(connection: SocketConnection): Buffer;
}

/** The admission checks on the message path (rate limits, in-band auth, channel access). */
export interface InboundSecurity {
  /**
   * False when the message must not be handled (`frame` is undefined if it was invalid); the
   * refusal is sent. A promise when the answer needs the cluster (rates counted across nodes).
   */
  admitFrame(
    connection: SocketConnection,
    frame: ClientFrame | undefined,
  ): boolean | Promise<boolean>;
  authenticate(connection: SocketConnection, frame: AuthFrame): Promise<void>;
  /** Throws a HeraldError when the connection may not subscribe to `channel`. */
  authorizeSubscribe(connection: SocketConnection, channel: string): Promise<void>;
}

/** What handling a client message needs besides its connection. */
export interface Inbound {
  constants: ConstantFrames;
  security: InboundSecurity;
  channels: ChannelService;
  /** Where refused channel requests are recorded. */
  audit: AuditLog;
  /** How frames are decoded (the gateway's `maxPayloadDepth`). */
  decode: DecodeOptions;
}
type Reply = (payload: unknown) => Promise<void>;

const closing = {
  code: ErrorCodes.WS_UNAVAILABLE,
  message: 'the connection is closing; this request was not handled',
};

/**
 * Handles one WebSocket message from a client: decode, validate, dispatch by frame type.
 * Bad input is answered with an error frame; it never throws, and closes the connection only for
 * repeated rate-limit violations (4008). Every request (a frame with an `id`) gets exactly one
 * answer, also when the connection closes meanwhile (see SocketConnection.close).
 */
export function receiveMessage(
  connection: SocketConnection,
  data: Buffer,
  isBinary: boolean,
  inbound: Inbound,
): Promise<void> | void {
  const { codec } = connection;
  const parsed =
    isBinary === codec.binary
      ? parseClientFrame(codec, isBinary ? data : data.toString('utf8'), inbound.decode)
      : undefined;
  if (!connection.isOpen) return answerClosing(connection, parsed);
  // Every message counts against the rate limits, valid or not.
  const admitted = inbound.security.admitFrame(connection, parsed?.ok ? parsed.frame : undefined);
  if (admitted === true) return handleAdmitted(connection, parsed, isBinary, inbound);
  if (admitted === false) return;
  return admitted.then((ok) => {
    if (!ok) return;
    if (!connection.isOpen) return answerClosing(connection, parsed);
    return handleAdmitted(connection, parsed, isBinary, inbound);
  });
}

/** A closing connection starts no new work, but still answers what asks for an answer. */
function answerClosing(
  connection: SocketConnection,
  parsed: DecodeResult<ClientFrame> | undefined,
): void {
  const id = parsed && requestId(parsed);
  if (id !== undefined) connection.sendError(id, closing);
}

/** A message the rate limits and in-band auth let through. */
function handleAdmitted(
  connection: SocketConnection,
  parsed: DecodeResult<ClientFrame> | undefined,
  isBinary: boolean,
  inbound: Inbound,
): Promise<void> | void {
  const { codec } = connection;
  if (!parsed) {
    connection.sendError(undefined, {
      code: ErrorCodes.WS_MESSAGE_INVALID,
      message: `${isBinary ? 'binary' : 'text'} frames are not accepted with ${codec.subprotocol}`,
      details: [{ path: '', message: `send ${codec.binary ? 'binary' : 'text'} frames` }],
    });
    return;
  }
  if (!parsed.ok) {
    connection.sendError(parsed.error.id, parsed.error);
    return;
  }
  const id = requestId(parsed);
  if (id === undefined) return dispatch(connection, parsed.frame, inbound);
  return handleRequest(connection, parsed.frame, id, inbound);
}

/** Dispatches a frame that asks for an answer, making sure it gets exactly one. */
function handleRequest(
  connection: SocketConnection,
  frame: ClientFrame,
  id: FrameId,
  inbound: Inbound,
): Promise<void> | void {
  const owed = connection.owe(id);
  if (!owed) {
    connection.sendError(id, {
      code: ErrorCodes.WS_MESSAGE_INVALID,
      message: `id '${id}' belongs to a request not answered yet`,
      details: [{ path: 'id', message: 'must not be reused before its answer' }],
    });
    return;
  }
  const handled = dispatch(connection, frame, inbound);
  // A request whose handling ended without an answer (skipped because the connection started
  // closing meanwhile) is answered here, so that none is left without one.
  const answerIfOwed = () => {
    if (!owed.answered) connection.replyError(id, connection.isOpen ? internalError() : closing);
  };
  if (handled) return handled.finally(answerIfOwed);
  answerIfOwed();
}

/** The id of a frame that asks for an answer; acks and errors answer the server's requests. */
function requestId(parsed: DecodeResult<ClientFrame>): FrameId | undefined {
  if (!parsed.ok) return parsed.error.id;
  const { frame } = parsed;
  return frame.type === 'ack' || frame.type === 'error' || !('id' in frame) ? undefined : frame.id;
}

function dispatch(
  connection: SocketConnection,
  frame: ClientFrame,
  { constants, security, channels, audit }: Inbound,
): Promise<void> | void {
  switch (frame.type) {
    case 'event':
      // A connection refused while its frames waited (failed in-band auth) runs no handler.
      return connection.ready.then(() =>
        connection.handlesRequests ? connection.endpoint.handleEvent(connection, frame) : undefined,
      );
    case 'ping':
      connection.out.encoded(constants.pong(connection));
      return;
    case 'pong':
      connection.pongReceived();
      return;
    case 'ack':
      connection.settleRequest(frame.id, { payload: frame.payload });
      return;
    case 'error':
      if (frame.id === undefined) return;
      connection.settleRequest(frame.id, {
        error: new ClientRejection(frame.code, frame.message, frame.details),
      });
      return;
    case 'subscribe':
      return answer(connection, frame, audit, async (reply) => {
        // A connection about to close would not keep the subscription.
        if (!connection.isOpen) throw new HeraldError(closing.code, closing.message);
        await security.authorizeSubscribe(connection, frame.channel);
        // Hooks see a join, not a repeated subscribe to a channel the connection is already in.
        if (!connection.channels.has(frame.channel)) {
          await connection.endpoint.subscribing(connection, frame.channel);
        }
        await channels.subscribe(connection, frame, reply);
      });
    case 'unsubscribe':
      return answer(connection, frame, audit, async (reply) => {
        const subscribed = connection.channels.has(frame.channel);
        await connection.leave(frame.channel);
        // Before the ack, so that a client knows its hooks have run once it is answered.
        if (subscribed) await connection.endpoint.unsubscribed(connection, frame.channel);
        await reply({});
      });
    case 'publish':
      return answer(connection, frame, audit, async (reply) =>
        reply(await channels.publishFrom(connection, frame)),
      );
    case 'history':
      return answer(connection, frame, audit, async (reply) =>
        reply(await channels.historyFor(connection, frame)),
      );
    case 'presence':
      return answer(connection, frame, audit, async (reply) =>
        reply(await channels.presenceFor(connection, frame.channel)),
      );
    case 'presenceStats':
      return answer(connection, frame, audit, async (reply) =>
        reply(await channels.presenceStatsFor(connection, frame.channel)),
      );
    case 'auth':
      return security.authenticate(connection, frame);
  }
}

/**
 * Runs a channel request; the action answers through `reply` itself, so that a subscribe can
 * send its ack before the publications it held back. Answers wait for room in the connection's
 * outbound queue rather than overflow it.
 */
async function answer(
  connection: SocketConnection,
  frame: ChannelRequestFrame,
  audit: AuditLog,
  action: (reply: Reply) => Promise<void>,
): Promise<void> {
  await connection.ready;
  if (!connection.handlesRequests) return;
  try {
    refuseReserved(frame.channel);
    await action((payload) => connection.answer(frame.id, payload));
  } catch (error) {
    const answer = clientAnswer(error);
    const refusal = answer ?? internalError();
    if (answer) {
      const who = () => ({ ...subjectFields(connection), channel: frame.channel });
      recordRefusal(audit, answer, who, frame.type);
    }
    if (frame.type === 'subscribe') connection.counters.subscriptionFailed(refusal.code);
    connection.replyError(frame.id, refusal);
    // Unexpected faults go on to the gateway, which logs them.
    if (!answer) throw error;
  }
}

function refuseReserved(channel: string): void {
  if (channel.startsWith(reservedChannelPrefix)) {
    throw new HeraldError(ErrorCodes.WS_FORBIDDEN, `channel '${channel}' is reserved`, [
      { path: 'channel', message: `must not start with '${reservedChannelPrefix}'` },
    ]);
  }
}
