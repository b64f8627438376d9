import { randomBytes } from 'node:crypto';
import { CloseCodes, jsonCodec, type ConnectedNotice } from '@herald/protocol';
import type { AcceptedSession } from '../admission/stream-pipeline.js';
import type { AcceptedUpgrade } from '../admission/upgrade.js';
import type { HandshakeRequest } from '../admission/security.js';
import { closeCodeFor, closeReason, rejectionReason } from '../admission/refusal.js';
import type { Security } from '../admission/security.js';
import type { DisconnectReason } from '../connection/connection.js';
import type { GatewayContext } from '../namespace/gateway-context.js';
import { receiveMessage, type Inbound } from '../connection/inbound.js';
import type { ConnectionInit } from '../connection/connection-services.js';
import { SocketConnection } from '../connection/socket-connection.js';
import { webSocketFraming } from '../transport/framing.js';
import type { Namespace } from '../namespace/namespace.js';
import type { Codecs } from '../admission/codecs.js';
import type { WebSocket } from 'ws';

/** `ws` errors for a message too large (1009) or in too many fragments (1008). */
const refusedForSize = new Set([
  'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
  'WS_ERR_TOO_MANY_BUFFERED_PARTS',
]);

/**
 * A connection's life on this node, from an admitted socket to its disposal: wires the socket's
 * events, runs the session's admission and the namespace's onConnect hooks, feeds client messages
 * to the inbound path, and leaves everything once the socket has closed.
 */
export class ConnectionLifecycle {
  constructor(
    private readonly context: GatewayContext,
    private readonly security: Security,
    private readonly inbound: Inbound,
    private readonly codecs: Codecs,
  ) {}

  /** A WebSocket admitted by the upgrade pipeline becomes a connection. */
  readonly acceptWebSocket = ({
    namespace,
    ws,
    socket,
    handshake,
    admission,
  }: AcceptedUpgrade): void => {
    const connection = this.connectionFor(namespace, handshake, {
      link: ws,
      sink: socket,
      codec: this.codecs.of(ws.protocol),
      // ws lists the extensions it negotiated; permessage-deflate only when the namespace offers it.
      framing: webSocketFraming(
        ws.extensions.includes('permessage-deflate')
          ? namespace.options.compression.threshold
          : undefined,
      ),
    });
    // The same four listeners serve every socket and find their connection on it: a closure per
    // socket would cost memory on every idle connection, and keep this handshake (its request
    // among it) alive as long as the connection.
    const link = ws as LinkedWebSocket;
    link[kConnection] = connection;
    link[kLifecycle] = this;
    ws.on('error', onError);
    ws.on('close', onClose);
    ws.on('pong', onPong);
    ws.on('message', onMessage);
    connection.ready = this.open(namespace, connection, admission, handshake);
  };

  /**
   * An HTTP fallback session admitted by the stream pipeline becomes a connection. Such sessions
   * are few (clients that could not open a WebSocket): a listener object per session is fine.
   */
  readonly acceptSession = ({ namespace, link, handshake, admission }: AcceptedSession): void => {
    const connection = this.connectionFor(namespace, handshake, {
      link,
      sink: link.response,
      codec: jsonCodec,
      framing: link.framing,
    });
    link.listener = {
      message: (data) => this.received(connection, data, false),
      oversized: () => (this.context.stats.oversized += 1),
      closed: (code, reason) => this.closed(connection, code, reason),
    };
    connection.ready = this.open(namespace, connection, admission, handshake);
  };

  private connectionFor(
    namespace: Namespace,
    handshake: HandshakeRequest,
    carrier: Pick<ConnectionInit<SocketConnection>, 'link' | 'sink' | 'codec' | 'framing'>,
  ): SocketConnection {
    const connection = new SocketConnection({
      ...carrier,
      id: randomBytes(12).toString('base64url'),
      endpoint: namespace,
      params: handshake.params,
      query: handshake.query,
      headers: handshake.request.headers,
      remoteAddress: handshake.remoteAddress,
      context: this.context,
    });
    this.context.stats.connectionOpened(connection.counters);
    return connection;
  }

  /** A frame from the client. */
  received(connection: SocketConnection, data: Buffer, isBinary: boolean): void {
    connection.counters.messagesIn += 1;
    receiveMessage(connection, data, isBinary, this.inbound)?.catch((error: unknown) => {
      this.context.logger.error(
        { err: error, connectionId: connection.id },
        'frame handling failed',
      );
    });
  }

  failed(connection: SocketConnection, error: Error & { code?: string }): void {
    if (refusedForSize.has(error.code ?? '')) this.context.stats.oversized += 1;
    this.context.logger.debug({ err: error, connectionId: connection.id }, 'websocket error');
  }

  closed(connection: SocketConnection, code: number, reason: Buffer): void {
    this.context.stats.connectionClosed(connection.counters);
    void this.dispose(connection, { code, reason: reason.toString() });
  }

  /**
   * Pings every connection of `namespace` on its `pingInterval`, and `pongTimeout` later
   * terminates those that did not answer: two timers per round for the whole namespace, none per
   * connection. The interval is the caller's to clear.
   */
  heartbeat(namespace: Namespace): NodeJS.Timeout | undefined {
    const { pingInterval, pongTimeout } = namespace.options;
    if (pingInterval <= 0) return undefined;
    let rounds = 0;
    const timer = setInterval(() => {
      const round = ++rounds;
      for (const connection of namespace.connections) connection.ping(round);
      setTimeout(() => {
        for (const connection of namespace.connections) connection.checkPong(round);
      }, pongTimeout).unref();
    }, pingInterval);
    timer.unref();
    return timer;
  }

  /** Session admission, then the namespace's onConnect hooks, then `system` `connected`. */
  private async open(
    namespace: Namespace,
    connection: SocketConnection,
    admission: AcceptedUpgrade['admission'],
    handshake: HandshakeRequest,
  ): Promise<void> {
    try {
      const refusal = await this.security.attach(connection, admission, handshake);
      if (refusal) {
        this.context.stats.rejected(rejectionReason(refusal.code));
        connection.replyError(undefined, refusal);
        connection.close(closeCodeFor(refusal.code), closeReason(refusal.message));
        return;
      }
      // Counting it may take a broker round trip: it may have closed meanwhile.
      if (!connection.isOpen) return;
      if (!(await this.security.authenticated(connection))) return;
      await namespace.connected(connection);
      // The channels the backend proxy joined the connection to, before it hears it is accepted.
      const joins = admission.joins;
      if (joins) await Promise.all(joins.channels.map((c) => connection.join(c, joins.info)));
      connection.markAccepted();
      announceSession(connection);
    } catch (error) {
      this.context.logger.error(
        { err: error, connectionId: connection.id, namespace: namespace.pattern.source },
        'onConnect hook failed',
      );
      connection.close(CloseCodes.INTERNAL_ERROR, 'internal error');
    }
  }

  private async dispose(connection: SocketConnection, reason: DisconnectReason): Promise<void> {
    const namespace = connection.endpoint as Namespace;
    // Ending the session first settles a connection still waiting for its auth frame.
    await this.security.release(connection);
    await connection.ready;
    await connection.dispose();
    if (namespace.connections.has(connection)) await namespace.disconnected(connection, reason);
    connection.markGone();
  }
}

const kConnection = Symbol('herald.connection');
const kLifecycle = Symbol('herald.lifecycle');
type LinkedWebSocket = WebSocket & {
  [kConnection]: SocketConnection;
  [kLifecycle]: ConnectionLifecycle;
};

/** ws calls its listeners with the socket as `this`; the ones here were linked by `accept`. */
const linked = (ws: WebSocket) => ws as LinkedWebSocket;

function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  linked(this)[kLifecycle].received(linked(this)[kConnection], data, isBinary);
}

function onError(this: WebSocket, error: Error & { code?: string }): void {
  linked(this)[kLifecycle].failed(linked(this)[kConnection], error);
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  linked(this)[kLifecycle].closed(linked(this)[kConnection], code, reason);
}

function onPong(this: WebSocket): void {
  linked(this)[kConnection].pongReceived();
}

/** Tells the client its session is accepted: the `system` `connected` frame. */
function announceSession(connection: SocketConnection): void {
  const { expiresAt } = connection.identity;
  const notice: ConnectedNotice = { connectionId: connection.id };
  if (expiresAt !== undefined) notice.expiresAt = expiresAt;
  connection.out.frame({ type: 'system', event: 'connected', payload: notice }, false);
}
