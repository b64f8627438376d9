import type { StreamPosition } from '@herald/protocol';

/**
 * The position a `system` `reset` frame says a channel's stream continues from (its stream
 * restarted with a new epoch, or publications were missed); undefined for any other frame.
 */
export function readStreamReset(frame: Record<string, unknown>): StreamPosition | undefined {
  if (frame.type !== 'system' || frame.event !== 'reset') return undefined;
  const payload = frame.payload;
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { offset, epoch } = payload as Record<string, unknown>;
  if (typeof offset !== 'number' || typeof epoch !== 'string') return undefined;
  return { offset, epoch };
}
