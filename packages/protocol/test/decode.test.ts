import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  closeCodeTable,
  decodeClientFrame,
  ErrorCodes,
  jsonCodec,
  parseClientFrame,
  parseServerFrame,
  reconnectAdvice,
} from '../src/index.js';

describe('client frame decoder', () => {
  it('never throws, whatever it is given, and always returns a typed result', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = decodeClientFrame(value);
        if (result.ok) expect(typeof result.frame.type).toBe('string');
        else expect(result.error.code).toBe(ErrorCodes.WS_MESSAGE_INVALID);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(() => parseClientFrame(jsonCodec, text)).not.toThrow();
      }),
    );
  });

  it('accepts each well-formed client frame as it is', () => {
    const frames = [
      { type: 'event', event: 'message.send', payload: { text: 'hi' }, id: '7' },
      { type: 'subscribe', channel: 'chat:general', id: 8, since: { offset: 41, epoch: 'x1' } },
      { type: 'unsubscribe', channel: 'chat:general', id: '9' },
      { type: 'auth', token: 'abc', id: '10' },
      { type: 'ack', id: 's1', payload: 1 },
      { type: 'error', id: 's2', code: 'NOPE', message: 'no' },
      { type: 'ping' },
      { type: 'pong' },
    ];
    for (const frame of frames) expect(decodeClientFrame(frame)).toEqual({ ok: true, frame });
  });

  it('drops unknown fields rather than passing them on', () => {
    const result = decodeClientFrame({
      type: 'event',
      event: 'e',
      extra: 'x',
      __proto__: { bad: 1 },
    });
    expect(result).toEqual({ ok: true, frame: { type: 'event', event: 'e' } });
  });

  it('keeps a trace context in the meta of events and publishes, dropping what is misshapen', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const traced = { type: 'event', event: 'e', meta: { traceparent, tracestate: 'v=1' } };
    expect(decodeClientFrame(traced)).toEqual({ ok: true, frame: traced });
    const publish = { type: 'publish', channel: 'c', event: 'e', id: '1', meta: { traceparent } };
    expect(decodeClientFrame(publish)).toEqual({ ok: true, frame: publish });
    // Tracing is best effort: a meta of the wrong shape is no reason to refuse the frame.
    for (const meta of [
      'text',
      [traceparent],
      { traceparent: 7 },
      { traceparent: 'x'.repeat(257) },
      { tracestate: 'v=1' },
    ]) {
      expect(decodeClientFrame({ type: 'event', event: 'e', meta })).toEqual({
        ok: true,
        frame: { type: 'event', event: 'e' },
      });
    }
    expect(
      decodeClientFrame({ type: 'event', event: 'e', meta: { traceparent, tracestate: 1 } }),
    ).toEqual({ ok: true, frame: { type: 'event', event: 'e', meta: { traceparent } } });
  });

  it('names every bad field and keeps a usable id', () => {
    const result = decodeClientFrame({
      type: 'subscribe',
      id: 'a',
      channel: 'has space',
      since: 3,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.id).toBe('a');
    expect(result.error.details.map((d) => d.path)).toEqual(['channel', 'since']);
  });

  it('bounds ids, events and channels', () => {
    const long = 'x'.repeat(300);
    const result = decodeClientFrame({ type: 'event', event: long, id: long });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.details.map((d) => d.path)).toEqual(['id', 'event']);
  });

  it('decodes server frames for clients', () => {
    const text = JSON.stringify({
      type: 'system',
      event: 'shutdown',
      payload: { reason: 'shutdown', reconnectWithin: 5000 },
    });
    expect(parseServerFrame(jsonCodec, text)).toMatchObject({
      ok: true,
      frame: { type: 'system', event: 'shutdown' },
    });
    expect(parseServerFrame(jsonCodec, '{"type":"subscribe","channel":"x"}').ok).toBe(false);
  });
});

describe('close-code table', () => {
  it('tells clients whether to reconnect', () => {
    expect(reconnectAdvice(1001)).toBe('jitter');
    expect(reconnectAdvice(4001)).toBe('no');
    expect(reconnectAdvice(4008)).toBe('later');
    expect(reconnectAdvice(4009)).toBe('backoff');
    expect(reconnectAdvice(4010)).toBe('after-refresh');
    expect(reconnectAdvice(4999)).toBe('no');
    expect(reconnectAdvice(1006)).toBe('backoff');
    for (const info of closeCodeTable.values()) expect(info.meaning.length).toBeGreaterThan(10);
  });
});
