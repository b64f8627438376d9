import {
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';
import { ErrorCodes, type TraceContext } from '@herald/protocol';
import { clientAnswer } from '../errors.js';
import { parseTraceContext } from './traceparent.js';

/**
 * Herald's tracer, taken once. Until an application registers an OpenTelemetry SDK it hands out
 * non-recording spans that cost a small object each, so spans are started per handshake, event,
 * publication and node delivery only, never per frame written, and attributes are set only on
 * a span that records.
 */
export const tracer = trace.getTracer('@herald/server');

/** The names of Herald's spans (docs/tracing.md). */
export const SpanNames = {
  handshake: 'herald.handshake',
  /** Token verification during a handshake. */
  handshakeAuth: 'herald.handshake.auth',
  /** Tenant, scopes and handshake guards during a handshake. */
  handshakeGuards: 'herald.handshake.guards',
  /** Followed by the event's name when the namespace has a handler for it. */
  event: 'herald.event',
  publish: 'herald.publish',
  deliver: 'herald.deliver',
} as const;

/** The attributes Herald sets on its spans (docs/tracing.md). */
export const SpanAttributes = {
  namespace: 'herald.namespace',
  outcome: 'herald.outcome',
  refusal: 'herald.refusal',
  errorCode: 'herald.error.code',
  event: 'herald.event',
  connectionId: 'herald.connection.id',
  channel: 'herald.channel',
  recipients: 'herald.recipients',
} as const;

// Shared, so that starting a span allocates no options object.
export const serverSpan: SpanOptions = { kind: SpanKind.SERVER };
export const producerSpan: SpanOptions = { kind: SpanKind.PRODUCER };
export const consumerSpan: SpanOptions = { kind: SpanKind.CONSUMER };
const internalSpan: SpanOptions = { kind: SpanKind.INTERNAL };

/**
 * The parent of a span for work that came from elsewhere (a client frame, another node, an
 * upgrade request): the remote span its trace context names, or none (a new trace) when it has
 * none or a malformed one.
 */
export function remoteParent(carried: TraceContext | undefined): Context {
  const parent = carried && parseTraceContext(carried);
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}

/** Runs `work` with the remote span `carried` names (a client's) as the active one, if any. */
export function withRemoteParent<T>(carried: TraceContext | undefined, work: () => T): T {
  return carried ? context.with(remoteParent(carried), work) : work();
}

/**
 * Runs `work` with `span` as the active span, so that spans started within (a publish from an
 * event handler) become its children. Without an SDK and a remote parent there is nothing to
 * pass on, and `work` runs as it is.
 */
export function runInSpan<T>(span: Span, parent: Context, work: () => T): T {
  if (!isSpanContextValid(span.spanContext())) return work();
  return context.with(trace.setSpan(parent, span), work);
}

/** Marks `span` as failed with a Herald error code: a refusal, or WS_INTERNAL for a fault. */
export function setErrorCode(span: Span, code: string): void {
  if (!span.isRecording()) return;
  span.setAttribute(SpanAttributes.errorCode, code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/**
 * Runs one step of a larger piece of work (token verification within a handshake) in a child
 * span of the active one; a step that throws a HeraldError is marked with its code.
 */
export async function inChildSpan<T>(name: string, work: () => Promise<T>): Promise<T> {
  const parent = context.active();
  const span = tracer.startSpan(name, internalSpan, parent);
  try {
    return await runInSpan(span, parent, work);
  } catch (error) {
    setErrorCode(span, errorCode(error));
    throw error;
  } finally {
    span.end();
  }
}

/** Ends `span` once `work` settles, marked with the error code if it fails. */
export function endWhenSettled<T>(span: Span, work: Promise<T>): Promise<T> {
  return work.then(
    (result) => {
      span.end();
      return result;
    },
    (error: unknown) => {
      setErrorCode(span, errorCode(error));
      span.end();
      throw error;
    },
  );
}

/** The code the error answers a client with; anything else is an internal fault. */
function errorCode(error: unknown): string {
  return clientAnswer(error)?.code ?? ErrorCodes.WS_INTERNAL;
}
