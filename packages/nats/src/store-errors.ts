import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

export function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

/**
 * Runs `operation`; when its stream or bucket is gone (deleted, or the server's store was
 * flushed), recreates it with `ensure` and runs it once more. The lost history then starts a new
 * epoch like any purged subject.
 */
export async function recreatingLostStore<T>(
  ensure: () => Promise<void>,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!isLostStore(error)) throw error;
    await ensure();
    return operation();
  }
}

/**
 * A publish to a subject no stream stores gets no responder, which the client reports as
 * `JetStreamNotEnabled` (a class the package does not export, hence the name check).
 */
function isLostStore(error: unknown): boolean {
  return (
    isApiError(error, JetStreamApiCodes.StreamNotFound) ||
    (error instanceof Error && error.name === 'JetStreamNotEnabled')
  );
}
