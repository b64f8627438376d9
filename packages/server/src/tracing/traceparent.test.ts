import { createTraceState, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { formatTraceContext, parseTraceContext } from './traceparent.js';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = '00f067aa0ba902b7';

describe('W3C traceparent', () => {
  it('reads a traceparent and tracestate into a remote span context', () => {
    expect(
      parseTraceContext({ traceparent: `00-${traceId}-${spanId}-01`, tracestate: 'a=1,b=2' }),
    ).toMatchObject({ traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const unsampled = parseTraceContext({ traceparent: `00-${traceId}-${spanId}-00` });
    expect(unsampled?.traceFlags).toBe(TraceFlags.NONE);
    expect(unsampled?.traceState).toBeUndefined();
  });

  it('reads a later version by its version 00 fields, as the specification asks', () => {
    expect(parseTraceContext({ traceparent: `01-${traceId}-${spanId}-03-more` })).toMatchObject({
      traceId,
      spanId,
      traceFlags: TraceFlags.SAMPLED,
    });
  });

  it('ignores what is malformed', () => {
    for (const traceparent of [
      undefined,
      '',
      'garbage',
      `00-${traceId}-${spanId}`,
      `00-${traceId}-${spanId}-01-more`,
      `ff-${traceId}-${spanId}-01`,
      `00-${'0'.repeat(32)}-${spanId}-01`,
      `00-${traceId}-${'0'.repeat(16)}-01`,
      `00-${traceId.toUpperCase()}-${spanId}-01`,
      `00-${traceId}-${spanId}-1`,
      ` 00-${traceId}-${spanId}-01`,
    ]) {
      expect(parseTraceContext({ traceparent })).toBeUndefined();
    }
  });

  it('writes what it reads', () => {
    const written = formatTraceContext({
      traceId,
      spanId,
      traceFlags: TraceFlags.SAMPLED,
      traceState: createTraceState('a=1'),
    });
    expect(written).toEqual({ traceparent: `00-${traceId}-${spanId}-01`, tracestate: 'a=1' });
    expect(parseTraceContext(written)).toMatchObject({ traceId, spanId, traceFlags: 1 });
    expect(formatTraceContext({ traceId, spanId, traceFlags: TraceFlags.NONE })).toEqual({
      traceparent: `00-${traceId}-${spanId}-00`,
    });
  });
});
