import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toJsonSchema } from '@herald/server';
import { schemaShape } from './schema-shape.js';

const shape = (schema: z.ZodType) => schemaShape(toJsonSchema(schema, 'input'));

describe('schemaShape', () => {
  it('shows an object with its fields, optional ones marked, and string bounds', () => {
    expect(
      shape(z.object({ room: z.string(), text: z.string().max(1000), tag: z.string().optional() })),
    ).toBe('{ room: string, text: string (≤1000), tag?: string }');
  });

  it('shows ranges, formats, enums, literals, arrays, unions and records', () => {
    expect(shape(z.string().min(1).max(20))).toBe('string (1..20)');
    expect(shape(z.email())).toMatch(/^string \(email, \/.+\/\)$/);
    expect(shape(z.number().int().min(0))).toBe('integer (≥0)');
    expect(shape(z.number().int())).toBe('integer');
    expect(shape(z.number().positive())).toBe('number (>0)');
    expect(shape(z.enum(['low', 'high']))).toBe('"low" | "high"');
    expect(shape(z.literal('ping'))).toBe('"ping"');
    expect(shape(z.array(z.string()).max(10))).toBe('string[] (≤10)');
    expect(shape(z.array(z.union([z.string(), z.number()])))).toBe('(string | number)[]');
    expect(shape(z.tuple([z.string(), z.boolean()]))).toBe('[string, boolean] (=2)');
    expect(shape(z.record(z.string(), z.number()))).toBe('{ [key: string]: number }');
    expect(shape(z.record(z.enum(['a', 'b']), z.number()))).toBe('{ a: number, b: number }');
    expect(shape(z.partialRecord(z.enum(['a']), z.number()))).toBe('{ a?: number }');
    expect(shape(z.string().nullable())).toBe('string | null');
    expect(shape(z.object({ 'user-id': z.string() }))).toBe('{ "user-id": string }');
  });

  it('shows what it cannot read as unknown', () => {
    expect(shape(z.unknown())).toBe('unknown');
    expect(schemaShape({})).toBe('unknown');
  });
});
