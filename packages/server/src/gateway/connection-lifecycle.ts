import { randomBytes } from 'node:crypto';
import { CloseCodes, type ConnectedNotice } from '@herald/protocol';
import type { AcceptedUpgrade } from '../admission/upgrade.js';
import { closeCodeFor, closeReason, rejectionReason } from '../admission/refusal.js';
import type { Security } from '../admission/security.js';
import type { DisconnectReason } from '../connection/connection.js';
import type { GatewayContext } from '../namespace/gateway-context.js';
import { receiveMessage, type Inbound } from '../connection/inbound.js';
import { SocketConnection } from '../connection/socket-connection.js';
import type { Namespace } from '../namespace/namespace.js';
import type { Codecs } from '../admission/codecs.js';

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

  readonly accept = ({ namespace, ws, socket, handshake, admission }: AcceptedUpgrade): void => {
    const { stats, logger } = this.context;
    const connection = new SocketConnection({
      id: randomBytes(12).toString('base64url'),
      ws,
      socket,
      endpoint: namespace,
      codec: this.codecs.of(ws.protocol),
      // ws lists the extensions it negotiated; permessage-deflate only when the namespace offers it.
      deflateFrom: ws.extensions.includes('permessage-deflate')
        ? namespace.options.compression.threshold
        : undefined,
      params: handshake.params,
      query: handshake.query,
      headers: handshake.request.headers,
      remoteAddress: handshake.remoteAddress,
      context: this.context,
    });
    const counters = connection.counters;
    stats.connectionOpened(counters);
    ws.on('error', (error: Error & { code?: string }) => {
      if (refusedForSize.has(error.code ?? '')) stats.oversized += 1;
      logger.debug({ err: error, connectionId: connection.id }, 'websocket error');
    });
    ws.on('close', (code: number, reason: Buffer) => {
      stats.connectionClosed(counters);
      void this.dispose(namespace, connection, { code, reason: reason.toString() });
    });
    ws.on('pong', () => connection.pongReceived());
    connection.ready = this.open(namespace, connection, admission, handshake);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      counters.messagesIn += 1;
      receiveMessage(connection, data, isBinary, this.inbound)?.catch((error: unknown) => {
        logger.error({ err: error, connectionId: connection.id }, 'frame handling failed');
      });
    });
  };

  /** Pings every connection of `namespace` on its `pingInterval`; the timer is the caller's to clear. */
  heartbeat(namespace: Namespace): NodeJS.Timeout | undefined {
    const { pingInterval, pongTimeout } = namespace.options;
    if (pingInterval <= 0) return undefined;
    const timer = setInterval(() => {
      for (const connection of namespace.connections) connection.ping(pongTimeout);
    }, pingInterval);
    timer.unref();
    return timer;
  }

  /** Session admission, then the namespace's onConnect hooks, then `system` `connected`. */
  private async open(
    namespace: Namespace,
    connection: SocketConnection,
    admission: AcceptedUpgrade['admission'],
    handshake: AcceptedUpgrade['handshake'],
  ): Promise<void> {
    try {
      const refusal = await this.security.attach(connection, admission, handshake);
      if (refusal) {
        this.context.stats.rejected(rejectionReason(refusal.code));
        connection.replyError(undefined, refusal);
        connection.close(closeCodeFor(refusal.code), closeReason(refusal.message));
        return;
      }
      if (!(await this.security.authenticated(connection))) return;
      await namespace.connected(connection);
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

  private async dispose(
    namespace: Namespace,
    connection: SocketConnection,
    reason: DisconnectReason,
  ): Promise<void> {
    // Ending the session first settles a connection still waiting for its auth frame.
    await this.security.release(connection);
    await connection.ready;
    await connection.dispose();
    if (namespace.connections.has(connection)) await namespace.disconnected(connection, reason);
    connection.markGone();
  }
}

/** Tells the client its session is accepted: the `system` `connected` frame. */
function announceSession(connection: SocketConnection): void {
  const { expiresAt } = connection.identity;
  const notice: ConnectedNotice = { connectionId: connection.id };
  if (expiresAt !== undefined) notice.expiresAt = expiresAt;
  connection.out.frame({ type: 'system', event: 'connected', payload: notice }, false);
}
