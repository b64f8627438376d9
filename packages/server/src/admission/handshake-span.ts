import type { IncomingMessage } from 'node:http';
import type { TraceContext } from '@herald/protocol';
import { SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import {
  remoteParent,
  serverSpan,
  setErrorCode,
  SpanAttributes,
  SpanNames,
  tracer,
} from '../tracing/spans.js';

/** Whatever carries a `herald.handshake` span until it is admitted, refused or abandoned. */
export interface HandshakeSpanHolder {
  span?: Span;
}

/**
 * Starts a handshake's `herald.handshake` span (a WebSocket upgrade, or the opening request of an
 * HTTP fallback session); a client may send W3C trace context headers, and the span joins its
 * trace.
 */
export function startHandshakeSpan(req: IncomingMessage): { span: Span; parent: Context } {
  const parent = remoteParent(traceHeaders(req));
  return { span: tracer.startSpan(SpanNames.handshake, serverSpan, parent), parent };
}

/**
 * Ends the holder's handshake span, once: `refused` with the reason it is counted under in
 * `stats().rejected` and the error code the client is told, if any.
 */
export function finishHandshake(
  holder: HandshakeSpanHolder,
  outcome: 'accepted' | 'refused' | 'abandoned',
  refusal?: string,
  code?: string,
): void {
  const { span } = holder;
  if (!span) return;
  holder.span = undefined;
  if (span.isRecording()) {
    span.setAttribute(SpanAttributes.outcome, outcome);
    if (refusal !== undefined) {
      span.setAttribute(SpanAttributes.refusal, refusal);
      if (code !== undefined) setErrorCode(span, code);
      else span.setStatus({ code: SpanStatusCode.ERROR, message: refusal });
    }
  }
  span.end();
}

/** The W3C trace context headers of a request, when it has a `traceparent`. */
function traceHeaders(req: IncomingMessage): TraceContext | undefined {
  const { traceparent, tracestate } = req.headers;
  if (typeof traceparent !== 'string') return undefined;
  return typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent };
}
