import { ErrorCodes, type StreamPosition } from '@herald/protocol';
import type { Logger } from 'pino';
import { HeraldError, isHeraldError } from '../errors.js';
import type { Broker, HistoryRetention, PublicationInput } from './broker.js';

/**
 * Publishes through the broker. A publication the broker did not take (its backend is away or
 * refused it) reached no one and is in no history, so the caller gets `WS_UNAVAILABLE` (retry
 * later), never a success; the cause is logged, not sent.
 */
export async function takePublication(
  broker: Broker,
  logger: Logger,
  input: PublicationInput,
  history?: HistoryRetention,
): Promise<StreamPosition | undefined> {
  try {
    return await broker.publish(input, history);
  } catch (error) {
    if (isHeraldError(error)) throw error;
    logger.warn({ err: error, channel: input.channel }, 'the broker did not take a publication');
    throw new HeraldError(
      ErrorCodes.WS_UNAVAILABLE,
      'the publication was not taken: the broker is unavailable; retry later',
    );
  }
}
