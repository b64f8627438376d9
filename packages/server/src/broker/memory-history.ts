import { randomBytes } from 'node:crypto';
import type { StreamPosition } from '@herald/protocol';
import type { HistoryPage, HistoryQuery, HistoryRetention, Publication } from './broker.js';

interface Stream {
  epoch: string;
  /** Offset of the last publication appended. */
  top: number;
  /** Retained publications, oldest first, from index `head` on. */
  entries: Publication[];
  head: number;
  /** Milliseconds a publication is kept (from the last publish's retention); 0 for ever. */
  ttl: number;
}

const newEpoch = (): string => randomBytes(6).toString('base64url');

/**
 * Channel streams held in this process. A new instance means new epochs for every channel, so
 * clients that recover across a restart learn that their position is gone.
 */
export class MemoryHistory {
  private readonly streams = new Map<string, Stream>();

  /** Appends and trims; returns the publication's position. Mutates `publication.meta`. */
  append(publication: Publication, retention: HistoryRetention): StreamPosition {
    const now = publication.meta.ts;
    let stream = this.live(publication.channel, now);
    if (!stream) {
      stream = { epoch: newEpoch(), top: 0, entries: [], head: 0, ttl: 0 };
      this.streams.set(publication.channel, stream);
    }
    stream.top += 1;
    publication.meta.offset = stream.top;
    publication.meta.epoch = stream.epoch;
    stream.entries.push(publication);
    stream.ttl = retention.ttl;
    const excess = stream.entries.length - stream.head - retention.size;
    if (excess > 0) stream.head += excess;
    if (retention.ttl > 0) trimOlderThan(stream, now - retention.ttl);
    compact(stream);
    return { offset: stream.top, epoch: stream.epoch };
  }

  read(channel: string, query: HistoryQuery): HistoryPage {
    const now = Date.now();
    const stream = this.live(channel, now);
    if (!stream) {
      // A stream nobody published to yet: fix its epoch now so that a later first publication
      // continues it and a subscriber's position from this read stays valid.
      const fresh: Stream = { epoch: newEpoch(), top: 0, entries: [], head: 0, ttl: 0 };
      this.streams.set(channel, fresh);
      return { offset: 0, epoch: fresh.epoch, publications: [] };
    }
    const cutoff = stream.ttl > 0 ? now - stream.ttl : -Infinity;
    const retained = stream.entries.slice(stream.head).filter((p) => p.meta.ts > cutoff);
    const { since, limit, reverse = false } = query;
    let selected: Publication[];
    if (reverse) {
      selected = retained
        .filter((p) => since === undefined || (p.meta.offset as number) < since)
        .reverse();
    } else {
      selected =
        since === undefined ? retained : retained.filter((p) => (p.meta.offset as number) > since);
    }
    if (limit !== undefined) selected = selected.slice(0, limit);
    return { offset: stream.top, epoch: stream.epoch, publications: selected };
  }

  remove(channel: string): void {
    this.streams.delete(channel);
  }

  clear(): void {
    this.streams.clear();
  }

  /**
   * The channel's stream, unless nothing was published to it for its ttl: then its history is
   * gone and it is forgotten, so the next publication starts a new epoch (as a key would expire).
   */
  private live(channel: string, now: number): Stream | undefined {
    const stream = this.streams.get(channel);
    const last = stream?.entries[stream.entries.length - 1];
    if (stream && last && stream.ttl > 0 && last.meta.ts + stream.ttl <= now) {
      this.streams.delete(channel);
      return undefined;
    }
    return stream;
  }
}

function trimOlderThan(stream: Stream, cutoff: number): void {
  while (
    stream.head < stream.entries.length &&
    (stream.entries[stream.head] as Publication).meta.ts <= cutoff
  ) {
    stream.head += 1;
  }
}

/** Drops trimmed entries once they make up half the array, keeping appends amortised O(1). */
function compact(stream: Stream): void {
  if (stream.head > 64 && stream.head * 2 > stream.entries.length) {
    stream.entries = stream.entries.slice(stream.head);
    stream.head = 0;
  }
}
