import { checkPayload, ErrorCodes } from '@herald/protocol';
import { HeraldError } from './errors.js';

/**
 * Refuses, before it reaches the broker, a payload the server means to publish or broadcast that
 * some codec could not carry (nested deeper than `maxDepth`, circular, a bigint, function or
 * symbol): stored or fanned out, it would reach some clients and not others.
 */
export function assertDeliverable(payload: unknown, maxDepth: number): void {
  const problem = checkPayload(payload, maxDepth, 'payload');
  if (problem) {
    throw new HeraldError(
      ErrorCodes.WS_MESSAGE_INVALID,
      `invalid payload: ${problem.path} ${problem.message}`,
      [problem],
    );
  }
}
