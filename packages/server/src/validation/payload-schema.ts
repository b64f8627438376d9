import { ErrorCodes, type ErrorDetail } from '@herald/protocol';
import { HeraldError } from '../errors.js';

/**
 * The part of the Standard Schema interface (standardschema.dev) Herald relies on. zod v4,
 * Valibot, ArkType and others implement it, so any of them validates payloads.
 */
export interface StandardSchema<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

export type InferOutput<S> = S extends StandardSchema<unknown, infer O> ? O : unknown;

function issuePath(issue: StandardIssue): string {
  if (!issue.path || issue.path.length === 0) return 'payload';
  const keys = issue.path.map((part) => (typeof part === 'object' ? part.key : part));
  return ['payload', ...keys.map(String)].join('.');
}

/**
 * Validates `value`; on failure throws WS_MESSAGE_INVALID naming every bad field. A schema that
 * validates synchronously (zod's usual case) is answered synchronously: no promise per message.
 */
export function validatePayload<S extends StandardSchema>(
  schema: S,
  value: unknown,
): InferOutput<S> | Promise<InferOutput<S>> {
  const result = schema['~standard'].validate(value);
  return result instanceof Promise
    ? result.then((settled) => checkedValue<S>(settled))
    : checkedValue<S>(result);
}

function checkedValue<S extends StandardSchema>(result: StandardResult<unknown>): InferOutput<S> {
  if (result.issues) {
    const details: ErrorDetail[] = result.issues.map((issue) => ({
      path: issuePath(issue),
      message: issue.message,
    }));
    throw new HeraldError(
      ErrorCodes.WS_MESSAGE_INVALID,
      `invalid payload: ${details.map((d) => d.path).join(', ')}`,
      details,
    );
  }
  return result.value as InferOutput<S>;
}
