import type { StreamPosition } from '@herald/protocol';
import type { Broker, Publication } from '../broker/broker.js';

/** How much one read may take. */
export interface ReadBounds {
  /** Most publications. */
  count: number;
  /** Most bytes as `sizeOf` counts them; the first publication is taken whatever its size. */
  bytes: number;
  sizeOf(publication: Publication): number;
}

/** What a bounded read took, and the stream's position (its top and epoch). */
export interface BoundedRead extends StreamPosition {
  publications: Publication[];
  /** What the publications taken weigh, as `sizeOf` counts them. */
  bytes: number;
  /** More publications lie past the last one taken, in the direction read. */
  more: boolean;
}

/** Publications asked of the broker at first; later batches are sized from what those weighed. */
const firstBatch = 64;
const maxBatch = 1_000;

/**
 * Reads a channel's stream after `since` (before it, newest first, with `reverse`) until `bounds`
 * are reached or the stream ends. The broker is asked in batches, so that a page of a few large
 * publications never reads the whole stream.
 */
export async function readBounded(
  broker: Broker,
  channel: string,
  query: { since?: number | undefined; reverse?: boolean | undefined },
  bounds: ReadBounds,
): Promise<BoundedRead> {
  const reverse = query.reverse ?? false;
  if (bounds.count === 0) {
    const { offset, epoch } = await broker.history(channel, { limit: 0 });
    return { offset, epoch, publications: [], bytes: 0, more: false };
  }
  const publications: Publication[] = [];
  let bytes = 0;
  let since = query.since;
  let position: StreamPosition | undefined;
  for (;;) {
    const limit = batchSize(bounds, publications.length, bytes);
    const page = await broker.history(channel, {
      ...(since !== undefined && { since }),
      reverse,
      limit,
    });
    // The stream was reset between two batches: what was taken still stands, in its epoch.
    if (position && page.epoch !== position.epoch)
      return { ...position, publications, bytes, more: true };
    position = { offset: page.offset, epoch: page.epoch };
    for (const publication of page.publications) {
      const size = bounds.sizeOf(publication);
      const full =
        publications.length === bounds.count ||
        (publications.length > 0 && bytes + size > bounds.bytes);
      if (full) return { ...position, publications, bytes, more: true };
      publications.push(publication);
      bytes += size;
    }
    if (page.publications.length < limit) return { ...position, publications, bytes, more: false };
    since = publications[publications.length - 1]?.meta.offset;
  }
}

/**
 * How many to ask for next: what is left of the count, or of the bytes at the average size so
 * far, whichever is fewer, plus one to learn whether more follow.
 */
function batchSize(bounds: ReadBounds, taken: number, bytes: number): number {
  const byCount = bounds.count - taken;
  const byBytes = taken === 0 ? firstBatch : Math.ceil((bounds.bytes - bytes) / (bytes / taken));
  return Math.max(1, Math.min(byCount, byBytes, maxBatch)) + 1;
}
