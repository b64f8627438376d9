import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { msgpackCodec } from '../src/msgpack-codec.js';
import {
  checkPayload,
  decodeClientFrame,
  jsonCodec,
  parseClientFrame,
  PayloadDepth,
} from '../src/index.js';

/** The reference: how many objects and arrays deep `value` nests, by plain recursion. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return true;
  return Object.values(value).some(hasProtoKey);
}

/** A JSON value wrapped in 0 to 60 arrays and objects, mixed; at each level maybe beside others. */
const deepValue = fc
  .tuple(
    fc.jsonValue({ maxDepth: 3 }),
    fc.array(fc.tuple(fc.boolean(), fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })), {
      maxLength: 60,
    }),
  )
  .map(([leaf, levels]) =>
    levels.reduce<unknown>(
      (inner, [asArray, key, sibling]) =>
        asArray ? [sibling, inner] : { [key]: inner, [`${key}~`]: sibling },
      leaf,
    ),
  );

describe('checkPayload', () => {
  it('counts objects and arrays one level each', () => {
    expect(checkPayload('x', 0, 'payload')).toBeUndefined();
    expect(checkPayload({ a: [1] }, 2, 'payload')).toBeUndefined();
    expect(checkPayload({ a: [1] }, 1, 'payload')).toEqual({
      path: 'payload.a',
      message: 'must not nest deeper than 1 levels',
    });
    expect(checkPayload([], 0, 'info')).toEqual({
      path: 'info',
      message: 'must not nest deeper than 0 levels',
    });
  });

  it('agrees with a recursive count on any mix of arrays and objects', () => {
    fc.assert(
      fc.property(deepValue, fc.integer({ min: 1, max: 40 }), (value, max) => {
        const problem = checkPayload(value, max, 'payload');
        expect(problem === undefined).toBe(depthOf(value) <= max && !hasProtoKey(value));
      }),
      { numRuns: 500 },
    );
  });

  it('names the first too-deep place in document order', () => {
    const value = { ok: [[1]], bad: { deeper: [[[]]] }, later: [[[[]]]] };
    expect(checkPayload(value, 3, 'payload')?.path).toBe('payload.bad.deeper.0');
  });

  it('walks 200,000 levels without recursion', () => {
    let value: unknown = null;
    for (let i = 0; i < 200_000; i++) value = [value];
    expect(checkPayload(value, 32, 'payload')?.path).toBe(`payload${'.0'.repeat(32)}`);
  });

  it('refuses what some codec cannot carry, and a circular value as too deep', () => {
    const circular: Record<string, unknown> = {};
    circular.again = circular;
    expect(checkPayload({ list: [1, 2n] }, 32, 'payload')).toEqual({
      path: 'payload.list.1',
      message: 'cannot be encoded: a bigint',
    });
    expect(checkPayload(() => 1, 32, 'payload')?.message).toBe('cannot be encoded: a function');
    expect(checkPayload({ s: Symbol('s') }, 32, 'payload')?.path).toBe('payload.s');
    expect(checkPayload(circular, 2, 'payload')?.path).toBe('payload.again.again');
    expect(checkPayload(JSON.parse('{"a":[{"__proto__":1}]}'), 32, 'payload')).toEqual({
      path: 'payload.a.0.__proto__',
      message: "cannot be encoded: the key '__proto__'",
    });
  });

  it('carries bytes and dates whole, and cuts long keys in paths', () => {
    expect(checkPayload({ b: new Uint8Array(100_000), d: new Date() }, 1, 'payload')).toBe(
      undefined,
    );
    const key = 'k'.repeat(1_000);
    expect(checkPayload({ [key]: [[]] }, 2, 'payload')?.path).toBe(`payload.${'k'.repeat(64)}….0`);
  });
});

describe('decoding nested frames', () => {
  const deepText = (depth: number) =>
    `{"type":"publish","channel":"c","event":"e","id":"7","payload":${'['.repeat(depth)}${']'.repeat(depth)}}`;

  it(`refuses values nested deeper than ${PayloadDepth.default} levels by default, keeping the id`, () => {
    const result = parseClientFrame(jsonCodec, deepText(PayloadDepth.default + 1));
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'WS_MESSAGE_INVALID',
        message: `invalid frame: payload${'.0'.repeat(32)} must not nest deeper than 32 levels`,
        details: [
          { path: `payload${'.0'.repeat(32)}`, message: 'must not nest deeper than 32 levels' },
        ],
        id: '7',
      },
    });
    expect(parseClientFrame(jsonCodec, deepText(PayloadDepth.default)).ok).toBe(true);
  });

  it('applies a configured limit to every field, known or not', () => {
    const options = { maxPayloadDepth: 2 };
    const frame = (extra: object) => ({ type: 'event', event: 'e', ...extra });
    expect(decodeClientFrame(frame({ payload: [[1]] }), options).ok).toBe(true);
    for (const [field, value] of [
      ['payload', [[[1]]]],
      ['info', { a: { b: {} } }],
      ['unknown', [[[]]]],
    ] as const) {
      const result = decodeClientFrame(frame({ [field]: value }), options);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.details[0]?.path.startsWith(`${field}.`)).toBe(true);
    }
  });

  it('refuses a 30,000-level bracket bomb in JSON and in MessagePack without throwing', () => {
    const depth = 30_000;
    const fields = encode({ type: 'publish', channel: 'c', event: 'e', id: 7 }).subarray(1);
    const binary = new Uint8Array([
      0x85,
      ...fields,
      ...encode('payload'),
      ...new Uint8Array(depth).fill(0x91),
      0xc0,
    ]);
    for (const [codec, data] of [
      [jsonCodec, deepText(depth)],
      [msgpackCodec, binary],
    ] as const) {
      const result = parseClientFrame(codec, data);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.details[0]?.path).toBe(`payload${'.0'.repeat(32)}`);
    }
  });
});
