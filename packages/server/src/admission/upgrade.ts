import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketServer } from 'ws';
import type { HeraldError } from '../errors.js';
import type { StatsCounter } from '../connection/stats.js';
import type { Namespace } from '../namespace/namespace.js';
import type { Codecs } from './codecs.js';
import { createWebSocketServer } from '../transport/websocket-server.js';
import { finishHandshake, startHandshakeSpan, type HandshakeSpanHolder } from './handshake-span.js';
import { routeHandshake } from './handshake-route.js';
import { closeWithError, httpStatusFor, rejectionReason } from './refusal.js';
import type { Admission, HandshakeRequest, Security } from './security.js';
import { refuseUpgrade } from './upgrade-response.js';
import { runInSpan, SpanAttributes } from '../tracing/spans.js';

/** A socket admitted to a namespace, handed over to become a connection. */
export interface AcceptedUpgrade {
  namespace: Namespace;
  ws: WebSocket;
  socket: Duplex;
  handshake: HandshakeRequest;
  admission: Admission & { ok: true };
}

export interface UpgradePipelineOptions {
  namespaces: readonly Namespace[];
  security: Security;
  stats: StatsCounter;
  logger: Logger;
  codecs: Codecs;
  /** Milliseconds from TCP accept to a completed WebSocket handshake. */
  handshakeTimeout: number;
  trustedProxies: ReadonlySet<string>;
  /** Resolves once the gateway has started (its broker is connected). */
  started: () => Promise<void>;
  isClosing: () => boolean;
  accept: (upgrade: AcceptedUpgrade) => void;
}

/** How a refused upgrade is answered. */
type Answer =
  /** A plain HTTP response, before any WebSocket exists. */
  | { http: number; message: string }
  /**
   * Upgraded, then one error frame and the close code: browsers cannot read a refused upgrade's
   * status, so this is how they learn why (unless `rejectBeforeUpgrade`).
   */
  | { error: HeraldError }
  /** The handshake took too long: the socket is destroyed. */
  | 'drop';

interface Attempt extends HandshakeSpanHolder {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  namespace?: Namespace;
}

/**
 * From an HTTP upgrade request to an admitted WebSocket: route to a namespace, count the attempt,
 * bound the handshake in time, run admission, complete the upgrade. Every refusal goes through
 * `refuse`, which counts it in `stats().rejected` and answers it.
 */
export class UpgradePipeline {
  private readonly servers = new Map<Namespace, WebSocketServer>();

  constructor(private readonly options: UpgradePipelineOptions) {}

  private readonly socketError = (error: Error): void => {
    this.options.logger.debug({ err: error }, 'socket error');
  };

  readonly handle = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const { span, parent } = startHandshakeSpan(req);
    const attempt: Attempt = { req, socket, head, span };
    if (this.options.isClosing()) {
      this.refuse(attempt, 'shutting_down', { http: 503, message: 'Herald is shutting down' });
      return;
    }
    const routed = routeHandshake(req, this.options.namespaces, this.options.trustedProxies);
    if ('missing' in routed) {
      this.refuse(attempt, 'not_found', {
        http: 404,
        message: `no Herald namespace at ${routed.missing}`,
      });
      return;
    }
    const { namespace, handshake } = routed;
    attempt.namespace = namespace;
    if (span.isRecording()) span.setAttribute(SpanAttributes.namespace, namespace.pattern.source);
    const { security, logger } = this.options;
    // Attempts are counted before any work, so a flood from one address stays cheap.
    if (!security.allowAttempt(namespace, handshake)) {
      this.refuse(attempt, 'rate_limit', { http: 429, message: 'too many connection attempts' });
      return;
    }
    const timer = setTimeout(
      () => this.refuse(attempt, 'timeout', 'drop'),
      this.options.handshakeTimeout,
    );
    // One listener for every socket: a closure here would keep the whole handshake (request,
    // timer, span) alive for as long as the connection lasts.
    socket.on('error', this.socketError);
    // Admission's own spans (token verification, guards) are children of the handshake's.
    void runInSpan(span, parent, () =>
      this.options
        .started()
        .then(() => security.admit(namespace, handshake))
        .then((admission) => {
          if (socket.destroyed) {
            finishHandshake(attempt, 'abandoned');
            return;
          }
          if (!admission.ok) {
            clearTimeout(timer);
            this.refuse(attempt, rejectionReason(admission.error.code), {
              error: admission.error,
            });
            return;
          }
          this.serverFor(namespace).handleUpgrade(req, socket, head, (ws) => {
            clearTimeout(timer);
            finishHandshake(attempt, 'accepted');
            this.options.accept({ namespace, ws, socket, handshake, admission });
          });
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          logger.error({ err: error }, 'upgrade failed');
          this.refuse(attempt, undefined, { http: 500, message: 'internal error' });
        }),
    );
  };

  /** Counts a refusal under `reason` (an internal failure is logged instead), then answers it. */
  private refuse(attempt: Attempt, reason: string | undefined, answer: Answer): void {
    if (reason) this.options.stats.rejected(reason);
    finishHandshake(attempt, 'refused', reason ?? 'error', errorCodeOf(answer));
    const { req, socket, head, namespace } = attempt;
    if (answer === 'drop') {
      socket.destroy();
    } else if ('http' in answer) {
      refuseUpgrade(socket, answer.http, answer.message);
    } else if (this.options.security.rejectBeforeUpgrade || !namespace) {
      refuseUpgrade(socket, httpStatusFor(answer.error.code), answer.error.message);
    } else {
      this.serverFor(namespace).handleUpgrade(req, socket, head, (ws) => {
        closeWithError(ws, this.options.codecs.of(ws.protocol), answer.error);
      });
    }
  }

  /** Each namespace parses frames with its own limits, so each has its own `ws` server. */
  private serverFor(namespace: Namespace): WebSocketServer {
    let server = this.servers.get(namespace);
    if (!server) {
      server = createWebSocketServer(namespace.options, this.options.codecs.select);
      this.servers.set(namespace, server);
    }
    return server;
  }
}

function errorCodeOf(answer: Answer): string | undefined {
  if (answer === 'drop') return undefined;
  return 'error' in answer ? answer.error.code : undefined;
}
