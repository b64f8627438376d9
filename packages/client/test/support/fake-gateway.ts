import type { AddressInfo } from 'node:net';
import { jsonCodec, parseClientFrame, type ClientFrame, type Codec } from '@herald/protocol';
import { msgpackCodec } from '@herald/protocol/msgpack';
import { WebSocketServer, type WebSocket } from 'ws';

import { until } from '../../../../test/support/until.js';

export { until };

export const codecs: Codec[] = [jsonCodec, msgpackCodec];

export interface FakeConnection {
  socket: WebSocket;
  codec: Codec;
  url: URL;
  protocols: string[];
  frames: ClientFrame[];
  send(frame: unknown): void;
}

export interface FakeGatewayOptions {
  /** Closes with this code right after the handshake when the token is not `good`. */
  requireToken?: boolean;
  /** Answers subscribe frames; default ack `{}`. */
  onSubscribe?: (frame: ClientFrame & { type: 'subscribe' }, conn: FakeConnection) => unknown;
  /** Answers event frames with an id; default echoes the payload. Throw `{code, message}` to refuse. */
  onEvent?: (frame: ClientFrame & { type: 'event' }, conn: FakeConnection) => unknown;
  /** Does not answer pings (a silent, half-dead connection). */
  silent?: boolean;
}

/**
 * A small gateway speaking the Herald wire protocol over `ws`, for tests that do not need the
 * real one: it accepts every session it does not refuse (`system` `connected`), acks, echoes,
 * answers pings and can publish, close, stop and start again.
 */
export class FakeGateway {
  server: WebSocketServer | undefined;
  port = 0;
  readonly connections: FakeConnection[] = [];
  /** Every frame received on every connection, in order. */
  readonly frames: ClientFrame[] = [];

  constructor(private readonly options: FakeGatewayOptions = {}) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/chat/lobby`;
  }

  get live(): FakeConnection[] {
    return this.connections.filter((c) => c.socket.readyState === 1);
  }

  async start(port = this.port): Promise<void> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port,
      handleProtocols: (offered) =>
        offered.has(msgpackCodec.subprotocol) ? msgpackCodec.subprotocol : jsonCodec.subprotocol,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    server.on('connection', (socket, request) =>
      this.accept(
        socket,
        new URL(request.url ?? '/', 'http://x'),
        request.headers['sec-websocket-protocol'],
      ),
    );
  }

  /** Stops listening and drops every connection with `code` (1006-like when `terminate`). */
  async stop(code: number | 'terminate' = 1001, reason = 'shutdown'): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const conn of this.live) {
      if (code === 'terminate') conn.socket.terminate();
      else conn.socket.close(code, reason);
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  publish(
    channel: string,
    event: string,
    payload: unknown,
    meta: Record<string, unknown> = {},
  ): void {
    for (const conn of this.live) {
      if (conn.frames.some((f) => f.type === 'subscribe' && f.channel === channel)) {
        conn.send({ type: 'event', channel, event, payload, meta: { ts: Date.now(), ...meta } });
      }
    }
  }

  /** Resolves when a frame matching `predicate` has arrived (now or later). */
  async frame<F extends ClientFrame>(predicate: (f: ClientFrame) => f is F): Promise<F>;
  async frame(predicate: (f: ClientFrame) => boolean): Promise<ClientFrame>;
  async frame(predicate: (f: ClientFrame) => boolean): Promise<ClientFrame> {
    return until(() => this.frames.find(predicate));
  }

  private accept(socket: WebSocket, url: URL, protocolHeader: string | undefined): void {
    const codec = socket.protocol === msgpackCodec.subprotocol ? msgpackCodec : jsonCodec;
    const conn: FakeConnection = {
      socket,
      codec,
      url,
      protocols: (protocolHeader ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
      frames: [],
      send: (frame) => socket.send(codec.encode(frame)),
    };
    this.connections.push(conn);
    const bearer = conn.protocols.indexOf('bearer');
    const token =
      url.searchParams.get('token') ?? (bearer >= 0 ? conn.protocols[bearer + 1] : undefined);
    if (this.options.requireToken && token !== 'good') {
      socket.close(4001, 'authentication failed');
      return;
    }
    socket.on('message', (data: Buffer, isBinary) => {
      const parsed = parseClientFrame(
        codec,
        isBinary ? new Uint8Array(data) : data.toString('utf8'),
      );
      if (!parsed.ok) throw new Error(`fake gateway got an invalid frame: ${parsed.error.message}`);
      conn.frames.push(parsed.frame);
      this.frames.push(parsed.frame);
      this.answer(parsed.frame, conn);
    });
    conn.send({
      type: 'system',
      event: 'connected',
      payload: { connectionId: String(this.connections.length) },
    });
  }

  private answer(frame: ClientFrame, conn: FakeConnection): void {
    const reply = (compute: () => unknown): void => {
      if (!('id' in frame) || frame.id === undefined) return;
      const id = frame.id;
      Promise.resolve()
        .then(compute)
        .then(
          (payload) => conn.send({ type: 'ack', id, payload }),
          (error: { code: string; message: string }) =>
            conn.send({ type: 'error', id, code: error.code, message: error.message }),
        );
    };
    switch (frame.type) {
      case 'ping':
        if (!this.options.silent) conn.send({ type: 'pong' });
        return;
      case 'event':
        reply(() => (this.options.onEvent ? this.options.onEvent(frame, conn) : frame.payload));
        return;
      case 'subscribe':
        reply(() => (this.options.onSubscribe ? this.options.onSubscribe(frame, conn) : {}));
        return;
      case 'unsubscribe':
      case 'auth':
        reply(() => ({}));
        return;
      default:
        return;
    }
  }
}

/** Resolves with the arguments of the next `event` on `target`. */
export function next<A extends unknown[]>(
  target: { once(event: string, listener: (...args: A) => void): unknown },
  event: string,
): Promise<A[0]> {
  return new Promise((resolve) => target.once(event, (...args: A) => resolve(args[0])));
}
