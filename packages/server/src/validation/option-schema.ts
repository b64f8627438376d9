import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * The building blocks every option schema shares, and the one way options are read: parsed
 * against their schema (which fills in the defaults) or refused with a ConfigError that names
 * the field.
 */

/** The longest delay a Node timer takes (2^31 - 1 ms). */
export const maxDelay = 2_147_483_647;

/** A delay in milliseconds; 0 usually turns the feature off. */
export const milliseconds = z.number().int().min(0).max(maxDelay);
export const positive = z.number().int().positive();
/** A delay in milliseconds that must not be 0. */
export const positiveMilliseconds = positive.max(maxDelay);
/** How long frames may wait to share a write (`writeDelay`): at most a second. */
export const writeDelay = z.number().int().min(0).max(1_000);
/** A limit; 0 usually means none. */
export const count = z.number().int().min(0);
export const nonEmpty = z.string().min(1);

/** A function option; its type is written, its check is only that it is callable. */
export function fn<T extends (...args: never[]) => unknown>() {
  return z.custom<T>((value) => typeof value === 'function', 'must be a function');
}

/** An object with these methods: enough to refuse a mistake without tying options to a class. */
export function withMethods<T>(what: string, methods: string[]) {
  return z.custom<T>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function'),
    `must be ${what}`,
  );
}

/** `schema`'s checks under a type written elsewhere: a library's, which the checks only sketch. */
export function typed<T>(schema: z.ZodType): z.ZodType<T, T> {
  return schema as unknown as z.ZodType<T, T>;
}

/**
 * `value` parsed by `schema`: valid, with its defaults filled in. Otherwise a ConfigError naming
 * every bad field, prefixed with `prefix` (`namespace /chat.pingInterval: Too small ...`).
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${path || '(options)'}: ${issue.message}`;
  });
  throw new ConfigError(`invalid Herald options: ${problems.join('; ')}`);
}
