import {
  createTraceState,
  isSpanContextValid,
  TraceFlags,
  type SpanContext,
} from '@opentelemetry/api';
import type { TraceContext } from '@herald/protocol';

/**
 * `version-traceid-parentid-flags`, lower-case hex (W3C Trace Context). A later version may add
 * fields after the flags; version 00 may not.
 */
const traceparentFormat = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * The remote span context that W3C trace context names, or undefined when its `traceparent` is
 * malformed (an invalid version, all-zero ids): the caller then carries on without a parent.
 * Written here rather than taken from a registered propagator, so that trace context crosses
 * brokers and frames whatever propagators the application registers (none, B3, …).
 */
export function parseTraceContext(trace: TraceContext): SpanContext | undefined {
  const match = traceparentFormat.exec(trace.traceparent ?? '');
  if (!match) return undefined;
  const [, version, traceId = '', spanId = '', flags = '', rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const context: SpanContext = {
    traceId,
    spanId,
    // Of the flags, version 00 defines only `sampled`; the others are not passed on.
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  if (!isSpanContextValid(context)) return undefined;
  if (trace.tracestate) context.traceState = createTraceState(trace.tracestate);
  return context;
}

/** A span context as W3C trace context (version 00), to travel with a publication. */
export function formatTraceContext(context: SpanContext): TraceContext {
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
  const trace: TraceContext = { traceparent: `00-${context.traceId}-${context.spanId}-${flags}` };
  const state = context.traceState?.serialize();
  if (state) trace.tracestate = state;
  return trace;
}
