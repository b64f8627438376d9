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

/** Validates `value`; on failure throws WS_MESSAGE_INVALID naming every bad field. */
export async function validatePayload<S extends StandardSchema>(
  schema: S,
  value: unknown,
): Promise<InferOutput<S>> {
  const result = await schema['~standard'].validate(value);
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
