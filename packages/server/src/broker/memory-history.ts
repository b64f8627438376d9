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

/**
 * Channel streams held in this process. A new instance means new epochs for every channel, so
 * clients that recover across a restart learn that their position is gone.
 *
 * A channel's epoch is derived, not stored: the instance's id, plus how many times the
 * channel's stream was dropped. So reading a channel nobody published to stores nothing (clients
 * cannot grow memory by subscribing to made-up names), yet the first publication keeps the epoch
 * that read returned.
 */
export class MemoryHistory {
  private readonly streams = new Map<string, Stream>();
  private readonly instance = randomBytes(6).toString('base64url');
  /** How many times each channel's stream was dropped (removed, or expired). */
  private readonly drops = new Map<string, number>();

  /** Appends and trims; returns the publication's position. Mutates `publication.meta`. */
  append(publication: Publication, retention: HistoryRetention): StreamPosition {
    const now = publication.meta.ts;
    let stream = this.live(publication.channel, now);
    if (!stream) {
      stream = { epoch: this.epochOf(publication.channel), top: 0, entries: [], head: 0, ttl: 0 };
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
    if (!stream) return { offset: 0, epoch: this.epochOf(channel), publications: [] };
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
    if (this.streams.has(channel)) this.drop(channel);
  }

  clear(): void {
    this.streams.clear();
    this.drops.clear();
  }

  /**
   * The channel's stream, unless nothing was published to it for its ttl: then its history is
   * gone and it is forgotten, so the next publication starts a new epoch (as a key would expire).
   */
  private live(channel: string, now: number): Stream | undefined {
    const stream = this.streams.get(channel);
    const last = stream?.entries[stream.entries.length - 1];
    if (stream && last && stream.ttl > 0 && last.meta.ts + stream.ttl <= now) {
      this.drop(channel);
      return undefined;
    }
    return stream;
  }

  private drop(channel: string): void {
    this.streams.delete(channel);
    this.drops.set(channel, (this.drops.get(channel) ?? 0) + 1);
  }

  private epochOf(channel: string): string {
    const drops = this.drops.get(channel);
    return drops === undefined ? this.instance : `${this.instance}.${drops}`;
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
