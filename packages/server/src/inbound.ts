import {
  ErrorCodes,
  parseClientFrame,
  type ClientFrame,
  type SubscribeFrame,
  type UnsubscribeFrame,
} from '@herald/protocol';
import type { Connection } from './connection.js';
import { ClientRejection, HeraldError, internalError, isHeraldError } from './errors.js';
import { reservedChannelPrefix } from './gateway-context.js';

/** Pre-encoded answers sent often enough to be worth encoding once per codec. */
export interface ConstantFrames {
  pong(connection: Connection): Buffer;
}

/**
 * Handles one WebSocket message from a client: decode, validate, dispatch by frame type.
 * Bad input is answered with an error frame; it never throws and never closes the connection.
 */
export function receiveMessage(
  connection: Connection,
  data: Buffer,
  isBinary: boolean,
  constants: ConstantFrames,
): Promise<void> | void {
  const { codec } = connection;
  if (isBinary !== codec.binary) {
    connection.replyError(undefined, {
      code: ErrorCodes.WS_MESSAGE_INVALID,
      message: `${isBinary ? 'binary' : 'text'} frames are not accepted with ${codec.subprotocol}`,
      details: [{ path: '', message: `send ${codec.binary ? 'binary' : 'text'} frames` }],
    });
    return;
  }
  const parsed = parseClientFrame(codec, isBinary ? data : data.toString('utf8'));
  if (!parsed.ok) {
    connection.replyError(parsed.error.id, parsed.error);
    return;
  }
  return dispatch(connection, parsed.frame, constants);
}

function dispatch(
  connection: Connection,
  frame: ClientFrame,
  constants: ConstantFrames,
): Promise<void> | void {
  switch (frame.type) {
    case 'event':
      return connection.ready.then(() => connection.namespace.handleEvent(connection, frame));
    case 'ping':
      connection.sendEncoded(constants.pong(connection));
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
      return answer(connection, frame, () => subscribe(connection, frame));
    case 'unsubscribe':
      return answer(connection, frame, () => unsubscribe(connection, frame));
    case 'auth':
      connection.replyError(frame.id, {
        code: ErrorCodes.WS_NOT_FOUND,
        message: 'in-band authentication is not configured on this namespace',
      });
      return;
  }
}

async function answer(
  connection: Connection,
  frame: SubscribeFrame | UnsubscribeFrame,
  action: () => Promise<unknown>,
): Promise<void> {
  await connection.ready;
  try {
    connection.reply(frame.id, await action());
  } catch (error) {
    connection.replyError(frame.id, isHeraldError(error) ? error : internalError());
    // Unexpected faults go on to the gateway, which logs them.
    if (!isHeraldError(error)) throw error;
  }
}

function refuseReserved(channel: string): void {
  if (channel.startsWith(reservedChannelPrefix)) {
    throw new HeraldError(ErrorCodes.WS_FORBIDDEN, `channel '${channel}' is reserved`, [
      { path: 'channel', message: `must not start with '${reservedChannelPrefix}'` },
    ]);
  }
}

async function subscribe(connection: Connection, frame: SubscribeFrame): Promise<object> {
  refuseReserved(frame.channel);
  await connection.join(frame.channel);
  return {};
}

async function unsubscribe(connection: Connection, frame: UnsubscribeFrame): Promise<object> {
  refuseReserved(frame.channel);
  await connection.leave(frame.channel);
  return {};
}
