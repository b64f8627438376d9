import { checkPayload, ErrorCodes } from '@herald/protocol';
import { HeraldError } from '../errors.js';

/**
 * Refuses, before it reaches the broker, a payload (or presence info, `field`) the server means to
 * publish or broadcast that some codec could not carry (nested deeper than `maxDepth`, circular,
 * a bigint, function or symbol, a `__proto__` key): stored or fanned out, it would reach some
 * clients and not others.
 */
export function assertDeliverable(value: unknown, maxDepth: number, field = 'payload'): void {
  const problem = checkPayload(value, maxDepth, field);
  if (problem) {
    throw new HeraldError(
      ErrorCodes.WS_MESSAGE_INVALID,
      `invalid ${field}: ${problem.path} ${problem.message}`,
      [problem],
    );
  }
}
