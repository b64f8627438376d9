import { randomBytes } from 'node:crypto';
import type { StreamPosition } from '@herald/protocol';
import type { HistoryPage, HistoryQuery, HistoryRetention } from '@herald/server';
import {
  DiscardPolicy,
  JetStreamApiCodes,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers, type MsgHdrs } from '@nats-io/transport-node';
import type { NatsNames } from './names.js';
import { isApiError, recreatingLostStore } from './store-errors.js';
import { readSubject } from './subject-reader.js';
import { decodePublication, RecordHeaders } from './wire.js';

/** Bounds of the one history stream all channels of a prefix share. */
export interface HistoryLimits {
  /** Most records kept per channel, whatever a channel's policy asks (`max_msgs_per_subject`). */
  maxPerChannel: number;
  /** Milliseconds a record is kept at most (`max_age`); 0 for no limit. */
  maxAge: number;
  storage: 'file' | 'memory';
  replicas: number;
  /** Milliseconds a history read may take. */
  readTimeout: number;
}

/** The last record of a channel's subject: where its stream stands. */
interface Top extends StreamPosition {
  seq: number;
  size: number;
  ttl: number;
  /** When the server stored it, in ms since the epoch. */
  time: number;
}

const newEpoch = (): string => randomBytes(6).toString('base64url');

/** How often an append retries after losing a race for the next offset to another node. */
const maxAppendAttempts = 100;

/**
 * Channel history in one JetStream stream, one subject per channel. Each record carries its
 * offset and epoch; an append takes the next offset from the subject's last record and stores
 * with `Nats-Expected-Last-Subject-Sequence`, so two nodes can never both store an offset (the
 * loser retries). The stream republishes every stored record on the channel's fan-out subject,
 * so a publication is readable before any node receives it, and all nodes see a channel's
 * records in offset order. A never-published channel gets an epoch marker (offset 0) that its
 * first publication continues; a purged subject or an expired last record starts a new epoch.
 */
export class HistoryStream {
  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly names: NatsNames,
    private readonly limits: HistoryLimits,
  ) {}

  /** Creates the stream unless it exists; an existing stream's configuration is left as is. */
  readonly ensure = async (): Promise<void> => {
    const name = this.names.historyStream;
    try {
      await this.jsm.streams.info(name);
      return;
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    }
    await this.jsm.streams.add({
      name,
      subjects: [this.names.historySubjects],
      republish: { src: this.names.historySubjects, dest: this.names.historyRepublish },
      max_msgs_per_subject: this.limits.maxPerChannel,
      max_age: this.limits.maxAge * 1_000_000,
      discard: DiscardPolicy.Old,
      storage: this.limits.storage === 'memory' ? StorageType.Memory : StorageType.File,
      num_replicas: this.limits.replicas,
    });
  };

  /** Stores `body` (the encoded publication) as the channel's next record; returns its position. */
  append(channel: string, body: Uint8Array, retention: HistoryRetention): Promise<StreamPosition> {
    return recreatingLostStore(this.ensure, () => this.appendOnce(channel, body, retention));
  }

  read(channel: string, query: HistoryQuery): Promise<HistoryPage> {
    return recreatingLostStore(this.ensure, () => this.readOnce(channel, query));
  }

  private async appendOnce(
    channel: string,
    body: Uint8Array,
    retention: HistoryRetention,
  ): Promise<StreamPosition> {
    const subject = this.names.history(channel);
    for (let attempt = 1; ; attempt++) {
      const top = await this.top(subject);
      const position =
        top && !expired(top)
          ? { offset: top.offset + 1, epoch: top.epoch }
          : { offset: 1, epoch: newEpoch() };
      const stored = await this.store(subject, body, position, retention, top);
      if (stored !== undefined) {
        this.trim(subject, stored, position.offset, retention.size);
        return position;
      }
      if (attempt === maxAppendAttempts) {
        throw new Error(`history append to "${channel}" lost ${attempt} races in a row`);
      }
      await backoff(attempt);
    }
  }

  private async readOnce(channel: string, query: HistoryQuery): Promise<HistoryPage> {
    const subject = this.names.history(channel);
    let top = await this.top(subject);
    while (!top || expired(top)) {
      const marked = await this.mark(subject, top);
      if (marked) return { ...marked, publications: [] };
      top = await this.top(subject);
    }
    const position = { offset: top.offset, epoch: top.epoch };
    if (query.limit === 0 || top.offset === 0) return { ...position, publications: [] };
    const { historyStream } = this.names;
    const records = await readSubject(
      this.js,
      historyStream,
      subject,
      top.seq,
      this.limits.readTimeout,
    );
    const oldest = Math.max(top.offset - top.size, 0);
    const cutoff = top.ttl > 0 ? Date.now() - top.ttl : -Infinity;
    const retained = records.filter(
      (record) =>
        recordOffset(record) > oldest &&
        record.headers?.get(RecordHeaders.epoch) === top.epoch &&
        record.time.getTime() > cutoff,
    );
    // Only the page is decoded.
    const publications = select(retained, query).flatMap(
      (record) => decodePublication(record.data, record.headers) ?? [],
    );
    return { ...position, publications };
  }

  /**
   * Stores an epoch marker (offset 0) for a channel with no live stream, so that its first
   * publication continues that epoch; undefined when another record was stored first.
   */
  private async mark(subject: string, top: Top | undefined): Promise<StreamPosition | undefined> {
    const marker = { offset: 0, epoch: newEpoch() };
    const stored = await this.store(subject, new Uint8Array(), marker, { size: 1, ttl: 0 }, top);
    return stored === undefined ? undefined : marker;
  }

  async remove(channel: string): Promise<void> {
    const filter = this.names.history(channel);
    await recreatingLostStore(this.ensure, () =>
      this.jsm.streams.purge(this.names.historyStream, { filter }),
    );
  }

  private async top(subject: string): Promise<Top | undefined> {
    const last = await this.jsm.streams.getMessage(this.names.historyStream, {
      last_by_subj: subject,
    });
    if (!last) return undefined;
    return {
      seq: last.seq,
      offset: Number(last.header.get(RecordHeaders.offset)),
      epoch: last.header.get(RecordHeaders.epoch),
      size: Number(last.header.get(RecordHeaders.size)),
      ttl: Number(last.header.get(RecordHeaders.ttl)),
      time: last.time.getTime(),
    };
  }

  /** Stores a record unless another was stored after `top` meanwhile; returns its sequence. */
  private async store(
    subject: string,
    body: Uint8Array,
    position: StreamPosition,
    retention: HistoryRetention,
    top: Top | undefined,
  ): Promise<number | undefined> {
    try {
      const ack = await this.js.publish(subject, body, {
        headers: recordHeaders(position, retention),
        expect: { lastSubjectSequence: top?.seq ?? 0 },
      });
      return ack.seq;
    } catch (error) {
      if (isApiError(error, JetStreamApiCodes.StreamWrongLastSequence)) return undefined;
      throw error;
    }
  }

  /**
   * Reads already skip records beyond a channel's size and age, so storage is trimmed lazily:
   * a new epoch drops the old one, and every `size` appends cut the subject back to `size`.
   */
  private trim(subject: string, seq: number, offset: number, size: number): void {
    const stream = this.names.historyStream;
    let purged: Promise<unknown> | undefined;
    if (offset === 1 && seq > 1) purged = this.jsm.streams.purge(stream, { filter: subject, seq });
    else if (offset % size === 0)
      purged = this.jsm.streams.purge(stream, { filter: subject, keep: size });
    // Best effort: a failed trim only keeps a few records longer.
    purged?.catch(() => undefined);
  }
}

/** The stream is forgotten once its last record outlived its ttl (as an expiring key would). */
function expired(top: Top): boolean {
  return top.ttl > 0 && top.time + top.ttl <= Date.now();
}

function recordHeaders(position: StreamPosition, retention: HistoryRetention): MsgHdrs {
  const h = headers();
  h.set(RecordHeaders.offset, String(position.offset));
  h.set(RecordHeaders.epoch, position.epoch);
  h.set(RecordHeaders.size, String(retention.size));
  h.set(RecordHeaders.ttl, String(retention.ttl));
  return h;
}

const recordOffset = (record: JsMsg): number => Number(record.headers?.get(RecordHeaders.offset));

/** Applies a query's direction, `since` and `limit` to retained records (oldest first). */
function select(retained: JsMsg[], { since, limit, reverse = false }: HistoryQuery): JsMsg[] {
  const selected = reverse
    ? retained.filter((r) => since === undefined || recordOffset(r) < since).reverse()
    : retained.filter((r) => since === undefined || recordOffset(r) > since);
  return limit === undefined ? selected : selected.slice(0, limit);
}

/** Spreads racing appenders apart: a few ms, growing with the attempts, jittered. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(50, attempt * 2);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
