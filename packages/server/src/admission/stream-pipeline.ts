import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonCodec } from '@herald/protocol';
import type { Logger } from 'pino';
import type { StatsCounter } from '../connection/stats.js';
import type { Namespace } from '../namespace/namespace.js';
import { runInSpan, SpanAttributes } from '../tracing/spans.js';
import { httpStreamFraming, sseFraming } from '../transport/framing.js';
import type { HttpSessionLink } from '../transport/http-session-link.js';
import type { HttpSessions } from '../transport/http-sessions.js';
import { readBody } from '../transport/read-body.js';
import { finishHandshake, startHandshakeSpan } from './handshake-span.js';
import { routeHandshake } from './handshake-route.js';
import { closeWithError, httpStatusFor, rejectionReason } from './refusal.js';
import { requestTarget } from './request-target.js';
import type { Admission, HandshakeRequest, Security } from './security.js';

/** An HTTP fallback session admitted to a namespace, handed over to become a connection. */
export interface AcceptedSession {
  namespace: Namespace;
  link: HttpSessionLink;
  handshake: HandshakeRequest;
  admission: Admission & { ok: true };
}

export interface StreamPipelineOptions {
  namespaces: readonly Namespace[];
  security: Security;
  stats: StatsCounter;
  logger: Logger;
  trustedProxies: ReadonlySet<string>;
  /** Milliseconds from a complete opening request to an admitted session, as for an upgrade. */
  handshakeTimeout: number;
  sessions: HttpSessions;
  /** Resolves once the gateway has started (its broker is connected). */
  started: () => Promise<void>;
  isClosing: () => boolean;
  accept: (session: AcceptedSession) => void;
  /**
   * Hands client frames (and the session's end, `end`) for a session this node does not hold to
   * every node, through the broker; resolves whether one held it.
   */
  forward: (session: string, frames: string[], end: boolean) => Promise<boolean>;
}

/** Most frames one POST may carry; each within the namespace's `maxMessageSize`. */
export const maxFramesPerPost = 16;

const framings = { sse: sseFraming, 'http-stream': httpStreamFraming } as const;

/**
 * The HTTP fallback transports beside each namespace's WebSocket (docs/transports.md): `GET
 * <namespace>?transport=sse|http-stream` opens a session whose frames stream back in the
 * response, `POST <namespace>?session=<id>` carries the client's frames, one per line, and
 * `DELETE <namespace>?session=<id>` ends it. Admission is the WebSocket's: the same origin,
 * token, limit and guard checks, the same refusal frames and close codes.
 */
export class StreamPipeline {
  constructor(private readonly options: StreamPipelineOptions) {}

  /** Answers the requests that are its own (returning true) and leaves the others alone. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const { query } = requestTarget(req.url);
    const transport = query.get('transport');
    const session = query.get('session');
    if (req.method === 'GET' && (transport === 'sse' || transport === 'http-stream')) {
      this.open(req, res, transport);
    } else if ((req.method === 'POST' || req.method === 'DELETE') && session !== null) {
      void this.post(req, res, session).catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'client frames failed');
        if (!res.headersSent) plain(res, 500, 'internal error');
      });
    } else if (req.method === 'OPTIONS' && (transport !== null || session !== null)) {
      this.preflight(req, res);
    } else {
      return false;
    }
    return true;
  };

  private open(req: IncomingMessage, res: ServerResponse, transport: keyof typeof framings): void {
    const { security, stats, logger } = this.options;
    const refuse = (reason: string, status: number, message: string) => {
      stats.rejected(reason);
      plain(res, status, message);
    };
    if (this.options.isClosing()) return refuse('shutting_down', 503, 'Herald is shutting down');
    const routed = routeHandshake(req, this.options.namespaces, this.options.trustedProxies);
    if ('missing' in routed)
      return refuse('not_found', 404, `no Herald namespace at ${routed.missing}`);
    const { namespace, handshake } = routed;
    // The transport is the gateway's business, not the application's query.
    handshake.query.delete('transport');
    if (!security.allowAttempt(namespace, handshake))
      return refuse('rate_limit', 429, 'too many connection attempts');
    const attempt = startHandshakeSpan(req);
    const { span, parent } = attempt;
    if (span.isRecording()) span.setAttribute(SpanAttributes.namespace, namespace.pattern.source);
    const cors = this.corsHeaders(namespace, req);
    const timer = setTimeout(() => {
      stats.rejected('timeout');
      finishHandshake(attempt, 'refused', 'timeout');
      res.destroy();
    }, this.options.handshakeTimeout);
    void runInSpan(span, parent, () =>
      this.options
        .started()
        .then(() => security.admit(namespace, handshake))
        .then((admission) => {
          clearTimeout(timer);
          if (res.destroyed) return finishHandshake(attempt, 'abandoned');
          if (!admission.ok) {
            const { error } = admission;
            const reason = rejectionReason(error.code);
            stats.rejected(reason);
            finishHandshake(attempt, 'refused', reason, error.code);
            if (security.rejectBeforeUpgrade) {
              plain(res, httpStatusFor(error.code), error.message, cors);
              return;
            }
            // As on a WebSocket: the refusal as an error frame, then its close code.
            const link = this.options.sessions.create(res, framings[transport], 0);
            link.open(cors);
            closeWithError(link, jsonCodec, error);
            return;
          }
          const link = this.options.sessions.create(
            res,
            framings[transport],
            namespace.options.maxMessageSize,
          );
          link.open(cors);
          finishHandshake(attempt, 'accepted');
          this.options.accept({ namespace, link, handshake, admission });
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          logger.error({ err: error }, 'session opening failed');
          finishHandshake(attempt, 'refused', 'error');
          if (!res.headersSent) plain(res, 500, 'internal error');
        }),
    );
  }

  /**
   * Client frames for a session (a POST), or its end (a DELETE): here, or on the node that holds
   * it.
   */
  private async post(req: IncomingMessage, res: ServerResponse, session: string): Promise<void> {
    const end = req.method === 'DELETE';
    const routed = routeHandshake(req, this.options.namespaces, this.options.trustedProxies);
    if ('missing' in routed) return plain(res, 404, `no Herald namespace at ${routed.missing}`);
    const cors = this.corsHeaders(routed.namespace, req);
    const limit = maxFramesPerPost * (routed.namespace.options.maxMessageSize + 1);
    const body = await readBody(req, limit);
    if (!body) return plain(res, 413, `a POST carries at most ${limit} bytes`, cors);
    const frames = splitLines(body);
    if (frames.length > maxFramesPerPost) {
      return plain(res, 413, `a POST carries at most ${maxFramesPerPost} frames`, cors);
    }
    if (this.options.sessions.deliver(session, frames, end)) {
      res.writeHead(204, cors).end();
      return;
    }
    // Routing asks every node: it counts as a connection attempt, so that POSTs naming made-up
    // sessions cannot make the whole cluster work at the sender's pace.
    if (!this.options.security.allowAttempt(routed.namespace, routed.handshake)) {
      this.options.stats.rejected('rate_limit');
      return plain(res, 429, 'too many requests', cors);
    }
    const text = frames.map((frame) => frame.toString('utf8'));
    if (await this.options.forward(session, text, end)) res.writeHead(204, cors).end();
    else plain(res, 404, 'no such session: it has ended', cors);
  }

  private preflight(req: IncomingMessage, res: ServerResponse): void {
    const routed = routeHandshake(req, this.options.namespaces, this.options.trustedProxies);
    const cors = 'missing' in routed ? {} : this.corsHeaders(routed.namespace, req);
    res
      .writeHead(204, {
        ...cors,
        'Access-Control-Allow-Methods': 'GET, POST, DELETE',
        'Access-Control-Allow-Headers': 'authorization, content-type, traceparent, tracestate',
        'Access-Control-Max-Age': '600',
      })
      .end();
  }

  /**
   * Lets a page from an allowed origin (see the namespace's `origins`) read the responses, with
   * its cookies; other origins get no CORS headers, and their browser keeps the response from them.
   */
  private corsHeaders(namespace: Namespace, req: IncomingMessage): Record<string, string> {
    const { origin } = req.headers;
    if (origin === undefined || !this.options.security.allowsOrigin(namespace, origin)) return {};
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Expose-Headers': 'Herald-Session',
      Vary: 'Origin',
    };
  }
}

/** The non-empty lines of a POST body: one frame each. */
function splitLines(body: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    // A line may end with \r\n as well as \n.
    const line = body.subarray(start, end > start && body[end - 1] === 0x0d ? end - 1 : end);
    if (line.length > 0) frames.push(line);
    start = end + 1;
  }
  return frames;
}

function plain(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}
